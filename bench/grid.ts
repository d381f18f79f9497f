import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../src/main/core/create-core'
import type { Core } from '../src/main/core/core-types'
import type { CourierEvent } from '../src/shared/events'
import type { RunId } from '../src/shared/run'
import { PROVIDER_CONCURRENCY } from '../src/main/core/runs/provider-queue'
import { DEPLOYMENT_IDS } from '../src/sim/index'

const SIDE = Number(process.env.BENCH_GRID_SIDE ?? 20)
/** The Demo's speed: 0.05 makes a run's waits about 0.1 s, so the machine's own work (pictures, saving) dominates. */
const TIME_SCALE = Number(process.env.BENCH_GRID_TIME_SCALE ?? 0.05)
const CELLS = SIDE * SIDE

async function withCore<T>(work: (core: Core) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'courier-bench-grid-'))
  const core = createCore({
    dataDir,
    mode: 'web',
    flags: { 'library-dir': join(dataDir, 'library'), tunnel: 'off' },
    env: {},
    tuning: { demoTimeScale: TIME_SCALE, pollIntervalMs: 500 },
    logSink: () => {},
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
async function gridSeconds(): Promise<{ seconds: number; imageState: string }> {
  return withCore(async (core) => {
    let gridId: string | null = null
    const finished = new Promise<string>((resolve) => {
      core.events.subscribe((event) => {
        if (event.type === 'grid.updated' && event.grid.gridId === gridId && (event.grid.imageState === 'saved' || event.grid.imageState === 'failed')) {
          resolve(event.grid.imageState)
        }
      })
    })
    const started = performance.now()
    const submitted = await core.call('grids.submit', {
      provider: 'demo',
      deploymentId: DEPLOYMENT_IDS.quickSketch,
      inputs: {},
      axes: [
        { input: 'seed', values: Array.from({ length: SIDE }, (_, i) => i + 1) },
        { input: 'prompt', values: Array.from({ length: SIDE }, (_, i) => `a lighthouse, variation ${i + 1}`) },
      ],
    })
    if (!submitted.ok) throw new Error(`grids.submit: ${submitted.error.message}`)
    gridId = submitted.value.gridId
    const imageState = await finished
    return { seconds: (performance.now() - started) / 1000, imageState }
  })
}

/** The same runs submitted one after another through the API: seconds until every one has ended with its files saved. */
async function oneByOneSeconds(): Promise<number> {
  return withCore(async (core) => {
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

export async function benchGrid(): Promise<void> {
  console.log(`grid: a ${SIDE}×${SIDE} grid (${CELLS} cells) on the Demo (time scale ${TIME_SCALE}, ${PROVIDER_CONCURRENCY.demo} at once), against the same ${CELLS} runs submitted one after another`)
  console.log(`  machine: ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`)
  const direct = await oneByOneSeconds()
  const grid = await gridSeconds()
  console.log(`  ${CELLS} runs one by one, to all saved:     ${direct.toFixed(1)} s`)
  console.log(`  grid, submit to grid image (${grid.imageState}): ${grid.seconds.toFixed(1)} s`)
  console.log(`  ratio grid / one by one = ${(grid.seconds / direct).toFixed(2)}  (goal ≤ 1: no slower)`)
  console.log('  UI frames while the grid fills: measured by the grid view work (no grid route in the renderer here)')
}
