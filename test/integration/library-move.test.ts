/**
 * Changing the library folder in Settings when outputs exist: the files follow it, every output stays
 * readable, refusals change nothing, and a move that stops half-way says what it did.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LibraryMoveProgress } from '../../src/shared/events'
import type { Output } from '../../src/shared/output'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import { removeDir, startTestCore, type TestCore } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'

describe('moving the library folder from Settings', () => {
  let t: TestCore
  let first: string

  const sketch = async (prompt: string) => {
    const run = await t.call('runs.submit', { provider: 'demo', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt } })
    await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 2, 20_000)
    return t.call('outputs.list', { runId: run.id })
  }
  /** Every output, read back through core's media route, has the bytes it was saved with. */
  const allReadable = async () => {
    for (const output of await t.call('outputs.list', {})) {
      const response = await t.core.media(output.id, null)
      expect(response.status, output.path).toBe(200)
      expect(createHash('sha256').update(Buffer.from(await response.arrayBuffer())).digest('hex')).toBe(output.sha256)
    }
  }
  const libraryDir = async () => (await t.call('settings.get', {})).libraryDir
  /** The `library.moving` progress published from event index `since` on. */
  const moves = (since: number): LibraryMoveProgress[] =>
    t.seen.slice(since).flatMap((event) => (event.type === 'library.moving' ? [event.progress] : []))

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'courier-move-'))
    first = join(dataDir, 'library')
    // The folder comes from settings.json (no flag, which would pin it), as for a user.
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ libraryDir: first }))
    t = await startTestCore({ dataDir, flags: { 'library-dir': '' } })
  })
  afterAll(async () => {
    await t?.stop()
    if (t) await removeDir(t.dataDir)
  })

  it('moves the saved files with the folder, and saves new ones there', async () => {
    expect(await libraryDir()).toBe(first)
    const before = [...(await sketch('a fox in the snow')), ...(await sketch('a harbour at night'))]
    const second = join(t.dataDir, 'moved', 'library')
    const since = t.seen.length
    const view = await t.call('settings.update', { libraryDir: second })
    expect(view.libraryDir).toBe(second)
    // A subscriber saw the move start, and end done once every file had moved.
    const steps = moves(since)
    const totalBytes = before.reduce((sum, output) => sum + output.bytes, 0)
    expect(steps[0]).toMatchObject({ from: first, to: second, state: 'moving', doneFiles: 0, totalFiles: 4, totalBytes })
    expect(steps.slice(0, -1).every((step) => step.state === 'moving')).toBe(true)
    expect(steps.at(-1)).toEqual({ from: first, to: second, state: 'done', doneFiles: 4, totalFiles: 4, doneBytes: totalBytes, totalBytes, message: null })
    expect((await t.call('app.info', {})).libraryDir).toBe(second)
    for (const output of before) {
      expect(existsSync(join(second, output.path))).toBe(true)
      expect(existsSync(join(first, output.path))).toBe(false)
      expect(await readFile(join(second, output.path))).toHaveLength(output.bytes)
    }
    await allReadable()
    const after = await sketch('a lighthouse')
    expect(existsSync(join(second, after[0]!.path))).toBe(true)
    expect((await t.call('outputs.list', { query: 'fox' })).map((o) => o.id).sort()).toEqual(before.slice(0, 2).map((o) => o.id).sort())
  })

  it('refuses a folder inside the library or holding other files, and changes nothing', async () => {
    const current = await libraryDir()
    const inside = await t.core.call('settings.update', { libraryDir: join(current, 'nested') })
    expect(inside).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'libraryDir' } })
    expect(!inside.ok && inside.error.message).toContain('inside the library folder')

    const busy = join(t.dataDir, 'busy')
    await mkdir(busy, { recursive: true })
    await writeFile(join(busy, 'holiday.jpg'), 'not ours')
    const foreign = await t.core.call('settings.update', { libraryDir: busy, tunnelMode: 'off' })
    expect(foreign).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'libraryDir' } })
    expect(!foreign.ok && foreign.error.message).toContain('holiday.jpg')
    expect(moves(0).at(-1)).toMatchObject({ to: busy, state: 'failed', doneFiles: 0, message: !foreign.ok && foreign.error.message })
    expect(await libraryDir()).toBe(current)
    await allReadable()
  })

  it('says what it did when it stops half-way, keeps every output readable, and finishes on the next try', async () => {
    const current = await libraryDir()
    const outputs = (await t.call('outputs.list', {})).reverse() // moved oldest first
    const third = join(t.dataDir, 'third')
    // Something that is not a file of ours sits where the third output would go.
    const blocked: Output = outputs[2]!
    await mkdir(join(third, blocked.path), { recursive: true })
    const since = t.seen.length
    const stopped = await t.core.call('settings.update', { libraryDir: third })
    expect(stopped).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'libraryDir' } })
    expect(moves(since).at(-1)).toMatchObject({ state: 'failed', doneFiles: 2, totalFiles: outputs.length, message: !stopped.ok && stopped.error.message })
    expect(!stopped.ok && stopped.error.message).toContain(`Moved 2 of ${outputs.length} outputs to ${third}, then stopped at ${blocked.path}`)
    expect(!stopped.ok && stopped.error.message).toContain(`The library folder is still ${current}`)
    expect(await libraryDir()).toBe(current)
    await allReadable()

    const { rm } = await import('node:fs/promises')
    await rm(join(third, blocked.path), { recursive: true })
    expect((await t.call('settings.update', { libraryDir: third })).libraryDir).toBe(third)
    for (const output of outputs) expect(existsSync(join(third, output.path)), output.path).toBe(true)
    await allReadable()
  })
})

describe('moving a library whose videos keep their record in a sidecar', () => {
  const rig = useSimAndCores()

  it('carries each sidecar with its video, and the record is still read from the new folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'courier-move-sidecar-'))
    const first = join(dataDir, 'library')
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ libraryDir: first }))
    // No ffmpeg: the videos cannot carry tags, so each record goes to `{file}.json` beside it.
    const t = await rig.start({
      dataDir,
      flags: { 'library-dir': '' },
      env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'k', COURIER_FFMPEG: join(tmpdir(), 'no-ffmpeg-here', 'ffmpeg') },
      webhooks: 'direct',
    })
    const run = await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.motionLoop, inputs: {} })
    await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 2, 30_000)
    const videos = await t.call('outputs.list', { runId: run.id })
    for (const video of videos) expect(existsSync(`${join(first, video.path)}.json`), video.path).toBe(true)

    const second = join(dataDir, 'moved')
    expect((await t.call('settings.update', { libraryDir: second })).libraryDir).toBe(second)
    for (const video of videos) {
      expect(existsSync(`${join(second, video.path)}.json`), video.path).toBe(true)
      expect(existsSync(`${join(first, video.path)}.json`), video.path).toBe(false)
      expect(await t.call('outputs.inspect', { id: video.id })).toMatchObject({
        source: 'courier',
        restore: { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.motionLoop },
      })
    }
  })
})

describe('a setting a flag fixes', () => {
  it('refuses a change naming the flag, and takes its own value again as no change', async () => {
    const t = await startTestCore({})
    try {
      // The test core starts with `--tunnel off`.
      const refused = await t.core.call('settings.update', { tunnelMode: 'localtunnel' })
      expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'tunnelMode' } })
      expect(!refused.ok && refused.error.message).toContain('--tunnel')
      expect((await t.call('settings.get', {})).tunnelMode).toBe('off')
      expect(await t.core.call('settings.update', { tunnelMode: 'off', onboarded: true })).toMatchObject({ ok: true, value: { tunnelMode: 'off', onboarded: true } })
    } finally {
      await t.stop()
      await removeDir(t.dataDir)
    }
  })
})
