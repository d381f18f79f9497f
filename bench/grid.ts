import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { startReadyProcess } from '../test/support/ready-process'
import { createCore } from '../src/main/core/create-core'
import type { Core } from '../src/main/core/core-types'
import type { CourierEvent } from '../src/shared/events'
import type { RunId } from '../src/shared/run'
import { PROVIDER_CONCURRENCY } from '../src/main/core/runs/provider-queue'
import { DEPLOYMENT_IDS } from '../src/sim/index'

const SIDE = Number(process.env.BENCH_GRID_SIDE ?? 20)
const CELLS = SIDE * SIDE
/**
 * The headline: the Demo at its own speed (a run takes about 2.5 s, and its machines work on 8 at once, as a
 * provider's do), the grid against the same runs sent through the API. A round takes about four minutes; three,
 * each putting the other phase first, since the runs sent one by one alone vary by 1.5 % from round to round.
 */
const OWN_SPEED = { timeScale: 1, rounds: Number(process.env.BENCH_GRID_ROUNDS ?? 3) }
/**
 * Then the Demo at twenty times its speed: a run's waits are about 0.1 s, so this machine's two cores are
 * never idle and whatever the app does costs time. The two phases take turns three times.
 */
const STRESSED = { timeScale: 0.05, rounds: Number(process.env.BENCH_GRID_STRESS_ROUNDS ?? 3) }
const WEB_ENTRY = join(process.cwd(), 'out', 'main', 'web.js')
const PAINTER_WORKER = join(process.cwd(), 'out', 'main', 'painter-worker.js')

/** The grid every phase submits: seed × prompt on the Demo's Quick Sketch, SIDE values each. */
const BENCH_GRID = {
  provider: 'demo' as const,
  deploymentId: DEPLOYMENT_IDS.quickSketch,
  inputs: {},
  axes: [
    { input: 'seed', values: Array.from({ length: SIDE }, (_, i) => i + 1) },
    { input: 'prompt', values: Array.from({ length: SIDE }, (_, i) => `a lighthouse, variation ${i + 1}`) },
  ],
}

async function withCore<T>(timeScale: number, work: (core: Core) => Promise<T>): Promise<T> {
  if (!existsSync(PAINTER_WORKER)) throw new Error(`${PAINTER_WORKER} is missing: run \`npm run build\` first`)
  const dataDir = await mkdtemp(join(tmpdir(), 'courier-bench-grid-'))
  const core = createCore({
    dataDir,
    mode: 'web',
    flags: { 'library-dir': join(dataDir, 'library'), tunnel: 'off' },
    env: {},
    tuning: { demoTimeScale: timeScale, pollIntervalMs: 500 },
    logSink: () => {},
    // The Demo as the apps run it: its pictures drawn on their own low-priority thread.
    demoPainterWorker: PAINTER_WORKER,
  })
  await core.start()
  try {
    return await work(core)
  } finally {
    await core.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** Resolves when `done` holds for a published event. */
function eventually(core: Core, done: (event: CourierEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const stop = core.events.subscribe((event) => {
      if (!done(event)) return
      stop()
      resolve()
    })
  })
}

/** A SIDE × SIDE grid (seed × prompt) on the Demo: seconds from the submit to the grid image saved. */
async function gridSeconds(timeScale: number): Promise<{ seconds: number; cellsSeconds: number; imageState: string }> {
  return withCore(timeScale, async (core) => {
    let gridId: string | null = null
    let cellsEnded: number | null = null
    const finished = new Promise<string>((resolve) => {
      core.events.subscribe((event) => {
        if (event.type !== 'grid.updated' || event.grid.gridId !== gridId) return
        if (cellsEnded === null && event.grid.imageState !== 'waiting') cellsEnded = performance.now()
        if (event.grid.imageState === 'saved' || event.grid.imageState === 'failed') resolve(event.grid.imageState)
      })
    })
    const started = performance.now()
    const submitted = await core.call('grids.submit', BENCH_GRID)
    if (!submitted.ok) throw new Error(`grids.submit: ${submitted.error.message}`)
    gridId = submitted.value.gridId
    const imageState = await finished
    const ended = performance.now()
    return { seconds: (ended - started) / 1000, cellsSeconds: ((cellsEnded ?? ended) - started) / 1000, imageState }
  })
}

/** The same runs submitted one after another through the API: seconds until every one has ended with its files saved. */
async function oneByOneSeconds(timeScale: number): Promise<number> {
  return withCore(timeScale, async (core) => {
    const pending = new Set<string>()
    let allSubmitted = false
    const settled = eventually(core, (event) => {
      if (event.type !== 'run.updated') return false
      if (['failed', 'cancelled', 'timed_out'].includes(event.run.status) || (event.run.status === 'succeeded' && event.run.outputs !== 'pending')) {
        pending.delete(event.run.id)
      }
      return allSubmitted && pending.size === 0
    })
    const started = performance.now()
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const run = await core.call('runs.submit', {
          provider: 'demo',
          deploymentId: DEPLOYMENT_IDS.quickSketch,
          inputs: { seed: x + 1, prompt: `a lighthouse, variation ${y + 1}` },
        })
        if (!run.ok) throw new Error(`runs.submit: ${run.error.message}`)
        pending.add(run.value.id)
      }
    }
    allSubmitted = true
    // Runs that ended before the last submit: read once, then the events finish the count.
    for (const id of [...pending]) {
      const run = await core.call('runs.get', { id: id as RunId })
      if (run.ok && run.value.status !== 'submitting' && run.value.status !== 'queued' && run.value.status !== 'running' && run.value.outputs !== 'pending') pending.delete(id)
    }
    if (pending.size > 0) await settled
    return (performance.now() - started) / 1000
  })
}

const TOKEN = 'bench-token-0123456789abcdefghijkl'
const CHROMIUM = process.env.COURIER_CHROMIUM ?? '/usr/bin/chromium'

interface FrameFigures {
  frames: number
  p50: number
  p95: number
  max: number
  over50: number
  seconds: number
  filled: number
  imageState: string
  /** The long animation frames' time (Chromium's LoAF entries), split: our scripts, rendering, and the rest. */
  longFrames: { count: number; scriptMs: number; renderMs: number; otherMs: number }
  /** When each frame over 50 ms ended, and how far the grid was. */
  longAt: string[]
}

/**
 * The live grid view while a SIDE × SIDE grid fills on the Demo, in Chromium against the built web host in
 * its own process (the Demo at its own speed, as a user sees it): the interval between animation frames,
 * from the moment the view opens until the grid image is saved. A frame over 50 ms is a stutter.
 */
async function uiFrames(): Promise<FrameFigures> {
  if (!existsSync(WEB_ENTRY)) throw new Error(`${WEB_ENTRY} is missing: run \`npm run build\` first`)
  const dataDir = await mkdtemp(join(tmpdir(), 'courier-bench-grid-ui-'))
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ onboarded: true, libraryDir: join(dataDir, 'library') }))
  await writeFile(join(dataDir, 'web-token'), TOKEN, { mode: 0o600 })
  const host = await startReadyProcess<{ web: string }>(process.execPath, [WEB_ENTRY, '--data-dir', dataDir, '--port', '0', '--tunnel', 'off'], {
    env: { COMFYDEPLOY_API_KEY: '', RUNCOMFY_API_KEY: '', COMFYUI_URL: '', COURIER_TUNNEL: '', COURIER_DATA_DIR: '', COURIER_LIBRARY_DIR: '' },
  })
  const origin = new URL(host.ready.web).origin
  // Launched where a failure (no Chromium here) still stops the host and removes its folder.
  const browser = await chromium
    .launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    })
    .catch(async (error: unknown) => {
      await host.stop()
      await rm(dataDir, { recursive: true, force: true })
      throw error
    })
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
    await page.addInitScript({ content: 'globalThis.__name = (f) => f' })
    await page.goto(`${origin}/?token=${TOKEN}`)
    await page.locator('[data-app-state="loaded"]').waitFor()
    const answer = await fetch(`${origin}/api/grids.submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(BENCH_GRID),
    })
    // The host answers every method with its Result: `{ ok, value }` or `{ ok: false, error }`.
    const submitted = (await answer.json()) as { ok: boolean; value?: { gridId: string }; error?: { message: string } }
    if (!submitted.ok || submitted.value === undefined) throw new Error(`grids.submit: ${submitted.error?.message ?? answer.status}`)
    await page.goto(`${origin}/#/grids/${submitted.value.gridId}`)
    await page.locator('.grid-view').waitFor()
    return await page.evaluate(async () => {
      const view = () => document.querySelector<HTMLElement>('.grid-view')
      const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve))
      const intervals: number[] = []
      const started = performance.now()
      // Where a long frame's time went: the page's scripts, style/layout/paint, or neither (the thread waiting
      // for a core the web host and the Demo's own picture drawing are using: they share this machine).
      const longFrames = { count: 0, scriptMs: 0, renderMs: 0, otherMs: 0 }
      interface LongFrame extends PerformanceEntry {
        renderStart: number
        scripts: Array<{ duration: number }>
      }
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as LongFrame[]) {
          if (entry.startTime < started || entry.duration <= 50) continue
          const script = entry.scripts.reduce((sum, s) => sum + s.duration, 0)
          const render = entry.renderStart > 0 ? entry.startTime + entry.duration - entry.renderStart : 0
          longFrames.count++
          longFrames.scriptMs += script
          longFrames.renderMs += render
          longFrames.otherMs += Math.max(0, entry.duration - script - render)
        }
      }).observe({ type: 'long-animation-frame', buffered: true })
      let last = await frame()
      // Until the image is saved (or refused), at most ten minutes.
      // When each long one came, in seconds from the view's opening, and what the grid was doing then.
      const longAt: string[] = []
      while (!['saved', 'failed'].includes(view()?.dataset.imageState ?? '') && performance.now() - started < 600_000) {
        const now = await frame()
        intervals.push(now - last)
        if (now - last > 50) longAt.push(`${((now - started) / 1000).toFixed(1)} s (${view()?.dataset.gridDone ?? '?'} done, image ${view()?.dataset.imageState ?? '?'})`)
        last = now
      }
      const sorted = [...intervals].sort((a, b) => a - b)
      return {
        frames: intervals.length,
        p50: sorted[Math.floor(sorted.length / 2)] ?? 0,
        p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        max: sorted.at(-1) ?? 0,
        over50: intervals.filter((f) => f > 50).length,
        seconds: (performance.now() - started) / 1000,
        filled: Number(view()?.dataset.gridDone ?? 0),
        imageState: view()?.dataset.imageState ?? 'unknown',
        longFrames,
        longAt,
      }
    })
  } finally {
    await browser.close()
    await host.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

/**
 * The two timed phases at one speed of the Demo, `rounds` times: each round puts the other phase first, since
 * this VM's speed drifts by 10-20 % from minute to minute; the ratio is that of their sums.
 */
async function timedPhases(label: string, { timeScale, rounds }: { timeScale: number; rounds: number }): Promise<void> {
  console.log(`  ${label} (time scale ${timeScale}):`)
  const cpuSeconds = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since)
    return (used.user + used.system) / 1e6
  }
  const timed = async <T>(phase: () => Promise<T>) => {
    const since = process.cpuUsage()
    const value = await phase()
    return { value, cpu: cpuSeconds(since) }
  }
  const done: { direct: number; directCpu: number; grid: Awaited<ReturnType<typeof gridSeconds>>; gridCpu: number }[] = []
  for (let round = 0; round < rounds; round++) {
    // Each goes first in turn: the second of a pair runs on the heap the first left.
    const gridFirst = round % 2 === 1
    const early = gridFirst ? await timed(() => gridSeconds(timeScale)) : await timed(() => oneByOneSeconds(timeScale))
    const late = gridFirst ? await timed(() => oneByOneSeconds(timeScale)) : await timed(() => gridSeconds(timeScale))
    const [directPhase, gridPhase] = (gridFirst ? [late, early] : [early, late]) as [{ value: number; cpu: number }, { value: Awaited<ReturnType<typeof gridSeconds>>; cpu: number }]
    const last = { direct: directPhase.value, directCpu: directPhase.cpu, grid: gridPhase.value, gridCpu: gridPhase.cpu }
    done.push(last)
    console.log(`    round ${round + 1}${gridFirst ? ' (grid first)' : ''}: ${CELLS} runs one by one, to all saved: ${last.direct.toFixed(1)} s (CPU ${last.directCpu.toFixed(1)} s, all threads)`)
    console.log(
      `             grid, submit to grid image (${last.grid.imageState}): ${last.grid.seconds.toFixed(1)} s (every cell ended at ${last.grid.cellsSeconds.toFixed(1)} s, then the image; CPU ${last.gridCpu.toFixed(1)} s)  ratio ${(last.grid.seconds / last.direct).toFixed(3)}`,
    )
  }
  if (done.length === 0) return
  const sum = (pick: (r: (typeof done)[number]) => number) => done.reduce((total, r) => total + pick(r), 0)
  const ratios = done.map((r) => r.grid.seconds / r.direct)
  console.log(
    `    ratio grid / one by one = ${(sum((r) => r.grid.seconds) / sum((r) => r.direct)).toFixed(3)} over ${done.length} round${done.length === 1 ? '' : 's'} (each ${ratios.map((r) => r.toFixed(3)).join(', ')}; CPU ${(sum((r) => r.gridCpu) / sum((r) => r.directCpu)).toFixed(2)})  (goal ≤ 1: no slower)`,
  )
}

export async function benchGrid(): Promise<void> {
  console.log(`grid: a ${SIDE}×${SIDE} grid (${CELLS} cells) on the Demo (${PROVIDER_CONCURRENCY.demo} sent at once), against the same ${CELLS} runs submitted one after another through the API`)
  console.log(`  machine: ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`)
  // BENCH_GRID_FRAMES_ONLY=1: the live view's frames alone (the timed phases take about fifteen minutes).
  if (process.env.BENCH_GRID_FRAMES_ONLY !== '1') {
    await timedPhases('the Demo at its own speed', OWN_SPEED)
    await timedPhases('the Demo twenty times faster, both cores busy throughout', STRESSED)
  }
  // BENCH_GRID_TIMED_ONLY=1: the two timed phases alone.
  if (process.env.BENCH_GRID_TIMED_ONLY === '1') return
  const ui = await uiFrames()
  const ms = (x: number) => `${x.toFixed(1)} ms`
  console.log(`  live grid view while it fills (${ui.filled} cells, ${ui.seconds.toFixed(0)} s, image ${ui.imageState}; the Demo at its own speed):`)
  console.log(`    frame p50 ${ms(ui.p50)}, p95 ${ms(ui.p95)}, max ${ms(ui.max)}; ${ui.over50} of ${ui.frames} frames over 50 ms  (goal: frames under 50 ms)`)
  const lf = ui.longFrames
  console.log(`    the long frames (${lf.count}, Chromium's account): scripts ${ms(lf.scriptMs)}, style/layout/paint ${ms(lf.renderMs)}, other (tasks that are not script, or the thread waiting for a core) ${ms(lf.otherMs)}`)
  if (ui.longAt.length > 0) console.log(`    frames over 50 ms came at: ${ui.longAt.slice(0, 12).join(', ')}${ui.longAt.length > 12 ? ', …' : ''}`)
}
