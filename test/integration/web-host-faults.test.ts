/**
 * A core event subscriber that throws (a closed stream, a broken window) must not take the web host down:
 * nothing in web mode catches an exception that reaches the event loop.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { WebHost } from '../../src/main/web/web-host'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import { removeDir, startTestCore, type TestCore } from '../support/core-fixture'
import { startTestWebHost } from '../support/web-host-fixture'

const TOKEN = 'test-token-0123456789abcdefghijklmnop'

describe('the web host with an event subscriber that throws', () => {
  let t: TestCore
  let host: WebHost
  const uncaught = vi.fn()
  const api = (method: string, args: unknown) =>
    fetch(`${host.origin}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(args) })

  beforeAll(async () => {
    process.on('uncaughtException', uncaught)
    t = await startTestCore({})
    host = await startTestWebHost(t, TOKEN)
  })
  afterAll(async () => {
    process.off('uncaughtException', uncaught)
    await host.close()
    await t.stop()
    await removeDir(t.dataDir)
  })

  it('logs the failure with the event type, and goes on serving and telling the other subscribers', async () => {
    t.core.events.subscribe(() => {
      throw new Error('this subscriber is broken')
    })
    const heard: string[] = []
    t.core.events.subscribe((event) => heard.push(event.type))

    const submitted = await api('runs.submit', { provider: 'demo', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'a lighthouse' } })
    const answer = (await submitted.json()) as { ok: boolean; value: { id: string } }
    expect(answer.ok).toBe(true)
    await t.waitForRun(answer.value.id, (run) => run.status === 'succeeded')
    await new Promise((resolve) => setTimeout(resolve, 10)) // any rethrow has had its turn

    expect(uncaught).not.toHaveBeenCalled()
    expect(heard).toContain('run.updated')
    expect((await api('app.info', {})).status).toBe(200)
    const failures = (await readFile(join(t.dataDir, 'logs', 'courier.log'), 'utf8'))
      .split('\n')
      .filter((line) => line.includes('event listener failed'))
      .map((line) => JSON.parse(line) as { level: string; event: string; error: string })
    expect(failures.length).toBeGreaterThan(0)
    expect(failures[0]).toMatchObject({ level: 'error', event: 'run.updated' })
    expect(failures[0]!.error).toContain('this subscriber is broken')
  })
})
