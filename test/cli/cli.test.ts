/**
 * The `courier` command line (issue 20), driven as a user drives it: the built bundle as a child process,
 * against the simulator (ComfyDeploy's API) in its own process, with stdout a pipe (the output for
 * programs). Headless (the command runs its own core) and attached to the built web app.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CourierEvent } from '../../src/shared/events'
import { courier, ensureBuilt, startCourier, startWebProcess } from '../support/cli-process'
import { removeDir } from '../support/core-fixture'
import { startSimProcess, type ReadyProcess } from '../support/ready-process'

// Each test drives several processes that start a core: the limit is for a loaded two-core machine, not a speed target.
const LIMIT = 90_000

describe('courier, the command line', () => {
  let sim: ReadyProcess<{ url: string }>
  const dirs: string[] = []
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'courier-cli-'))
    dirs.push(dir)
    return dir
  }
  /** The command's environment: the simulator as ComfyDeploy, no tunnel (runs are polled), colours off. */
  const env = (dir: string): NodeJS.ProcessEnv => ({
    COURIER_DATA_DIR: dir,
    COURIER_LIBRARY_DIR: join(dir, 'library'),
    COMFYDEPLOY_API_URL: `${sim.ready.url}/api`,
    COMFYDEPLOY_API_KEY: 'sim-key',
    RUNCOMFY_API_KEY: '',
    COURIER_TUNNEL: 'off',
    NO_COLOR: '1',
  })
  const names = (events: Record<string, unknown>[]) => [...new Set(events.map((event) => event.event))]

  beforeAll(async () => {
    ensureBuilt()
    sim = await startSimProcess(0.1)
  }, 180_000)
  afterAll(async () => {
    await sim?.stop()
    for (const dir of dirs) await removeDir(dir)
  }, LIMIT)

  it('runs headless with an uploaded file: NDJSON events on stdout, then one summary line; files copied to --out; the lock released', async () => {
    const dir = await dataDir()
    const picture = join(dir, 'in.png')
    await writeFile(picture, PNG.sync.write(new PNG({ width: 8, height: 8 })))
    const out = join(dir, 'renders')
    const run = await courier(['run', 'comfydeploy/every input', 'prompt=a red fox', `input_image=@${picture}`, 'steps:=4', 'upscale=on', '--seed', '7', '--yes', '--out', out], env(dir))

    expect(run.code, run.stderr).toBe(0)
    expect(names(run.events)).toEqual(['uploaded', 'queued', 'progress', 'output', 'finished'])
    expect(run.events[1]).toMatchObject({ event: 'queued', provider: 'comfydeploy', deployment: 'Every Input', via: 'headless', inputs: { steps: 4, upscale: true, seed: 7 } })
    expect(run.lines.filter((line) => !('event' in line))).toHaveLength(1)
    const summary = run.summary as { ok: boolean; run: string; outputs: { path: string; copiedTo: string; kind: string }[]; cost: { usd: number }; error: unknown }
    expect(summary).toMatchObject({ ok: true, run: run.events[1]!.run, error: null })
    expect(summary.cost.usd).toBeGreaterThan(0)
    expect(summary.outputs.map((output) => output.kind).sort()).toEqual(['image', 'text'])
    for (const output of summary.outputs) {
      expect(output.path.startsWith(join(dir, 'library'))).toBe(true)
      expect(readFileSync(output.copiedTo)).toEqual(readFileSync(output.path))
    }
    // The simulator echoes what it received: the file went up first, and the input carried its URL.
    const echo = readFileSync(summary.outputs.find((output) => output.kind === 'text')!.copiedTo, 'utf8')
    expect(echo).toContain('input_image')
    expect(echo).toContain('/media/uploads/')
    expect(existsSync(join(dir, 'courier.lock'))).toBe(false)

    // The same library from the other commands: listed, read back, exported without its generation data.
    const listed = await courier(['ls', '--status', 'succeeded'], env(dir))
    expect(listed.summary).toMatchObject({ ok: true, runs: [{ id: summary.run, deployment: 'Every Input' }] })
    const image = summary.outputs.find((output) => output.kind === 'image')!
    const inspected = await courier(['inspect', image.copiedTo], env(dir))
    expect(inspected.summary).toMatchObject({ ok: true, inspection: { source: 'courier', prompt: 'a red fox', seed: 7, steps: 4 } })
    const exported = await courier(['export', 'red fox', join(dir, 'shared'), '--strip'], env(dir))
    expect(exported.code, exported.stderr).toBe(0)
    expect((exported.summary as { exported: unknown[] }).exported.length).toBeGreaterThan(0)
  }, LIMIT)

  it('exits 2 for usage mistakes, 3 for configuration, 4 without spend consent, 1 for a failed run, 0 for the free Demo', async () => {
    const cases: [string[], number, string][] = [
      [['run', 'comfydeploy/Dreamscape SDXL', '--n', 'lots'], 2, 'USAGE'],
      [['run', 'nowhere/Dreamscape SDXL'], 2, 'USAGE'],
      [['run', 'comfydeploy/No Such Thing', '--yes'], 2, 'USAGE'],
      [['deployments', 'runcomfy'], 3, 'NOT_CONFIGURED'],
      [['grid', 'demo/Quick Sketch', '--x', 'seed=1,2', 'prompt=a grid of two'], 0, ''],
      [['run', 'comfydeploy/Dreamscape SDXL', 'positive_prompt=no consent'], 4, 'SPEND_CONFIRMATION_REQUIRED'],
      [['run', 'comfydeploy/Dreamscape SDXL', '--max-cost', '0.001'], 4, 'SPEND_CONFIRMATION_REQUIRED'],
      [['run', 'comfydeploy/Always Fails', '--yes'], 1, 'RUN_FAILED'],
      [['run', 'demo/Quick Sketch', 'prompt=free of charge', '--n', '2'], 0, ''],
    ]
    // Three at a time: each runs a core of its own, and CI has two cores.
    const results: Awaited<ReturnType<typeof courier>>[] = []
    for (let i = 0; i < cases.length; i += 3) {
      results.push(...(await Promise.all(cases.slice(i, i + 3).map(async ([args]) => courier(args, env(await dataDir()))))))
    }
    results.forEach((result, i) => {
      const [args, code, errorCode] = cases[i]!
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(code)
      if (code !== 0) {
        expect(result.summary).toMatchObject({ ok: false, error: { code: errorCode } })
        expect(result.stderr).not.toMatch(/\n\s+at /) // a sentence, never a stack
      }
    })
    // The Demo needs no consent; --n makes a batch of seed variations, each with its two sketches.
    const batch = results.at(-1)!.summary as { run: string; runs: { batchId: string }[]; outputs: unknown[] }
    expect(batch.runs).toHaveLength(2)
    expect(batch.runs.every((run) => run.batchId === batch.run)).toBe(true)
    expect(batch.outputs).toHaveLength(4)
    // A grid follows its cells, then its own picture, assembled from them: two runs of two sketches, and the grid.
    const grid = results[4]!.summary as { runs: { gridId: string | null }[]; outputs: { run: string | null; path: string }[] }
    expect(grid.runs).toHaveLength(2)
    expect(grid.outputs).toHaveLength(5)
    expect(grid.outputs.filter((output) => output.run === null)).toHaveLength(1)
    // The spend gate sent nothing, and said what to do.
    expect(results[5]!.stderr).toMatch(/pass --yes .* or --max-cost/)
    expect(results[5]!.events).toEqual([])
    // A parse error is commander's one line, before any core starts.
    expect((await courier(['ls', '--bogus'], env(await dataDir()))).code).toBe(2)
  }, LIMIT)

  it('exits 124 on --timeout and leaves the run going; Ctrl+C exits 130, cancelling with --cancel-on-exit; the web app refuses a folder a command holds', async () => {
    const [timedOutDir, interruptedDir] = [await dataDir(), await dataDir()]
    const timedOut = courier(['run', 'comfydeploy/Slow Render', '--yes', '--timeout', '0.2'], env(timedOutDir))

    // The Demo's Slow Render takes about 23 s: long enough for what follows on a loaded machine.
    const interrupted = startCourier(['run', 'demo/Slow Render', '--cancel-on-exit'], env(interruptedDir))
    const queued = await interrupted.waitForEvent((event) => event.event === 'queued')
    // This command runs its own core: the web app will not open the same database beside it.
    await expect(startWebProcess(interruptedDir, env(interruptedDir))).rejects.toThrow(/in use by another courier command/)
    interrupted.child.kill('SIGINT')
    const ended = await interrupted.done
    expect(ended.code, ended.stderr).toBe(130)
    expect(ended.events.find((event) => event.event === 'cancelled')).toMatchObject({ run: queued.run, ok: true })
    const after = await courier(['get', String(queued.run)], env(interruptedDir))
    expect(after.summary).toMatchObject({ ok: true, runs: [{ status: 'cancelled' }] })

    const late = await timedOut
    expect(late.code, late.stderr).toBe(124)
    expect(late.summary).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } })
    expect(names(late.events)).toContain('detached')
    expect(late.stderr).toMatch(/courier watch r_/)
  }, LIMIT)

  it('attaches to the running web app (the run in its runs.list and its event stream), and watches a run after the app restarted', async () => {
    const dir = await dataDir()
    let app = await startWebProcess(dir, env(dir))
    try {
      const origin = new URL(app.ready.web).origin
      const token = readFileSync(join(dir, 'web-token'), 'utf8').trim()
      expect(JSON.parse(readFileSync(join(dir, 'web.json'), 'utf8'))).toMatchObject({ url: origin, pid: app.child.pid })
      const auth = { authorization: `Bearer ${token}` }
      const seen: CourierEvent[] = []
      const stream = new AbortController()
      const events = await fetch(`${origin}/api/events`, { headers: auth, signal: stream.signal })
      void (async () => {
        let buffer = ''
        for await (const chunk of events.body!) {
          buffer += Buffer.from(chunk).toString('utf8')
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '))
            buffer = buffer.slice(end + 2)
            if (data) seen.push(JSON.parse(data.slice(6)) as CourierEvent)
          }
        }
      })().catch(() => {})

      const run = await courier(['run', 'comfydeploy/dreamscape sdxl', 'positive_prompt=seen in the app', '--yes'], env(dir))
      expect(run.code, run.stderr).toBe(0)
      expect(run.events[0]).toMatchObject({ event: 'queued', via: 'app' })
      const id = run.summary.run as string
      const listed = (await (await fetch(`${origin}/api/runs.list`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' })).json()) as {
        value: { id: string; status: string }[]
      }
      expect(listed.value.find((r) => r.id === id)).toMatchObject({ status: 'succeeded' })
      expect(seen.some((event) => event.type === 'run.updated' && event.run.id === id && event.run.status === 'succeeded')).toBe(true)
      expect(seen.some((event) => event.type === 'output.saved' && event.output.runId === id)).toBe(true)
      stream.abort()

      // Submitted without waiting; the app stops and starts again; watch picks the run up where it is.
      const submitted = await courier(['run', 'comfydeploy/Slow Render', '--yes', '--no-wait'], env(dir))
      expect(submitted.code, submitted.stderr).toBe(0)
      const slow = submitted.summary.run as string
      await app.stop()
      expect(existsSync(join(dir, 'web.json'))).toBe(false)
      expect(existsSync(join(dir, 'courier.lock'))).toBe(false)
      app = await startWebProcess(dir, env(dir))
      const watched = await courier(['watch', slow], env(dir))
      expect(watched.code, watched.stderr).toBe(0)
      expect(watched.events[0]).toMatchObject({ event: 'watching', run: slow, via: 'app' })
      expect(watched.summary).toMatchObject({ ok: true, run: slow, runs: [{ status: 'succeeded', outputs: 'saved' }] })
      expect((watched.summary.outputs as unknown[]).length).toBe(1)
      await app.stop()
      // With the app gone, the command runs a core of its own on the folder (and lets it go after).
      const headless = await courier(['watch', slow], env(dir))
      expect(headless.code, headless.stderr).toBe(0)
      expect(headless.events[0]).toMatchObject({ event: 'watching', run: slow, via: 'headless' })
      expect(existsSync(join(dir, 'courier.lock'))).toBe(false)
    } finally {
      await app.stop()
    }
  }, LIMIT)
})
