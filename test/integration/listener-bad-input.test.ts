import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Run } from '../../src/shared/run'
import { removeDir, startTestCore, type TestCore } from '../support/core-fixture'
import { hookTokenOf } from '../support/hook-token'

describe('the webhook listener refuses bad input and changes nothing', () => {
  let t: TestCore
  let run: Run
  let hookUrl: string

  const post = (url: string, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const snapshot = async () => ({
    run: await t.call('runs.get', { id: run.id }),
    outputs: await t.call('outputs.list', { runId: run.id }),
  })

  beforeAll(async () => {
    t = await startTestCore({})
    const deployments = await t.call('deployments.list', { provider: 'demo' })
    const dreamscape = deployments.find((d) => d.name === 'Dreamscape SDXL')!
    run = await t.call('runs.submit', { provider: 'demo', deploymentId: dreamscape.id, inputs: { positive_prompt: 'a red kite' } })
    run = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 1)
    hookUrl = `${t.core.listenerUrl()}/hooks/comfydeploy/${hookTokenOf(t.dataDir, run.id)}`
  })
  afterAll(async () => {
    await t.stop()
    await removeDir(t.dataDir)
  })

  it('answers 404 to a wrong token', async () => {
    const before = await snapshot()
    const response = await post(`${t.core.listenerUrl()}/hooks/comfydeploy/not-a-real-token`, JSON.stringify({ run_id: run.providerRunId, status: 'failed' }))
    expect(response.status).toBe(404)
    expect(await snapshot()).toEqual(before)
  })

  it('answers 404 to a webhook for an unknown run, and to routes that do not exist', async () => {
    const unknown = await post(`${t.core.listenerUrl()}/hooks/comfydeploy/AAAAAAAAAAAAAAAAAAAAAA`, JSON.stringify({ run_id: 'nope', status: 'success' }))
    expect(unknown.status).toBe(404)
    expect((await fetch(`${t.core.listenerUrl()}/api/runs.list`, { method: 'POST' })).status).toBe(404)
    expect((await post(`${t.core.listenerUrl()}/hooks/other/${'a'.repeat(22)}`, '{}')).status).toBe(404)
    const records = await t.call('webhooks.list', {})
    expect(records.find((r) => r.body.includes('"nope"'))).toMatchObject({ outcome: 'rejected', httpStatus: 404, runId: null })
  })

  it('answers 400 to malformed JSON and to a body of the wrong shape', async () => {
    const before = await snapshot()
    const malformed = await post(hookUrl, '{"run_id": "x", "status": ')
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toMatchObject({ ok: false, error: 'malformed JSON' })
    expect((await post(hookUrl, JSON.stringify({ status: 42 }))).status).toBe(400)
    expect(await snapshot()).toEqual(before)
    const rejected = (await t.call('webhooks.list', {})).filter((r) => r.runId === run.id && r.outcome === 'rejected')
    expect(rejected.map((r) => r.reason)).toEqual(expect.arrayContaining(['malformed JSON']))
  })

  it('answers 413 to a body over 1 MiB', async () => {
    const before = await snapshot()
    const huge = JSON.stringify({ run_id: run.providerRunId, status: 'running', live_status: 'x'.repeat(1024 * 1024) })
    const response = await post(hookUrl, huge)
    expect(response.status).toBe(413)
    expect(await snapshot()).toEqual(before)
  })

  it('takes a duplicate webhook as a duplicate and leaves the run as it was', async () => {
    const before = await snapshot()
    const original = (await t.call('webhooks.list', {})).find((r) => r.runId === run.id && r.outcome === 'applied' && r.status === 'running')
    expect(original).toBeDefined()
    const response = await post(hookUrl, original!.body)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ ok: true, outcome: 'duplicate' })
    expect(await snapshot()).toEqual(before)
  })

  it('takes a late webhook as stale: a finished run stays finished', async () => {
    const before = await snapshot()
    for (const status of ['queued', 'running', 'failed']) {
      const response = await post(hookUrl, JSON.stringify({ run_id: run.providerRunId, status, live_status: null, progress: 0.1, outputs: [] }))
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({ ok: true, outcome: 'stale' })
    }
    expect(await snapshot()).toEqual(before)
  })

  it('refuses a webhook whose run id belongs to another run', async () => {
    const before = await snapshot()
    const response = await post(hookUrl, JSON.stringify({ run_id: '00000000-0000-4000-8000-000000000000', status: 'success', outputs: [] }))
    expect(response.status).toBe(400)
    expect(await snapshot()).toEqual(before)
  })
})
