/**
 * Comparison grids and prompt lists through a real core against the simulator (issue 18): a 4×3 grid
 * with a failing row, its failed cells run again, the grid image checked cell by cell against the cells'
 * own pictures, its record restoring the set-up; a prompt list; the 400-cell cap; the spend confirmation.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { Grid } from '../../src/shared/grid'
import type { Output } from '../../src/shared/output'
import { layoutGrid } from '../../src/main/core/grids/grid-layout'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore, TestCoreOptions } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'

/** The latest `grid.updated` of a grid that satisfies `done`. */
async function waitForGrid(t: TestCore, gridId: string, done: (grid: Grid) => boolean, timeoutMs = 60_000): Promise<Grid> {
  const now = await t.call('grids.get', { gridId })
  if (done(now)) return now
  await t.waitForEvent((e) => e.type === 'grid.updated' && e.grid.gridId === gridId && done(e.grid), timeoutMs)
  return t.call('grids.get', { gridId })
}

/** Mean red, green and blue of a picture, or of a region of it. */
async function meanColour(file: Buffer, region?: { left: number; top: number; width: number; height: number }): Promise<number[]> {
  // Cut out first: stats() reads its input, not the pipeline's extract.
  const image = region ? sharp(await sharp(file).extract(region).png().toBuffer()) : sharp(file)
  const { channels } = await image.removeAlpha().stats()
  return channels.slice(0, 3).map((c) => c.mean)
}

const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!))

describe('grids against the simulator', () => {
  const rig = useSimAndCores()
  const start = (tuning?: TestCoreOptions['tuning']) =>
    rig.start({
      env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'sk-test-key' },
      tuning: { providerConcurrency: { comfydeploy: 4 }, ...tuning },
    })
  const setFaults = (faults: Record<string, unknown>) =>
    fetch(`${rig.sim.url}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) })
  const simQueued = async () => ((await (await fetch(`${rig.sim.url}/__sim/state`)).json()) as { stats: { runsQueued: number } }).stats.runsQueued

  it('runs a 4×3 grid, re-runs its failed cells, and assembles an image whose cells are in their places and whose record restores the grid', async () => {
    const t = await start()
    await setFaults({ failRunsWithInput: 'zebra' })
    const setup = {
      provider: 'comfydeploy' as const,
      deploymentId: DEPLOYMENT_IDS.quickSketch,
      inputs: { prompt: 'unused: every cell takes a prompt from the Y axis' },
      axes: [
        { input: 'seed', values: [11, 22, 33, 44] },
        { input: 'prompt', values: ['a red fox in the snow', 'a zebra on a striped road', 'a lighthouse at dusk'], labels: ['fox', 'zebra', 'lighthouse'] },
      ],
    }
    const submitted = await t.call('grids.submit', setup)
    expect(submitted.runs).toHaveLength(12)
    expect(submitted.runs.every((run) => run.gridId === submitted.gridId)).toBe(true)
    // Cell order: x fastest, then y.
    expect(submitted.runs.map((run) => [run.inputs['seed'], run.inputs['prompt']]).slice(0, 5)).toEqual([
      [11, 'a red fox in the snow'],
      [22, 'a red fox in the snow'],
      [33, 'a red fox in the snow'],
      [44, 'a red fox in the snow'],
      [11, 'a zebra on a striped road'],
    ])
    // Never more than the provider's 4 at once: the rest wait here, saying so.
    expect(submitted.runs.filter((run) => run.liveStatus?.startsWith('Waiting for a free slot')).length).toBeGreaterThanOrEqual(8)

    const { gridId } = submitted
    const first = await waitForGrid(t, gridId, (grid) => grid.imageState === 'saved' || grid.imageState === 'failed')
    expect(first.imageState).toBe('saved')
    expect(first.cells.filter((cell) => cell.status === 'failed').map((cell) => [cell.x, cell.y])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
    ])
    const firstImage = first.imageOutputId!

    // The service is well again: only the four failed cells are sent again, each a new run in its place.
    await setFaults({ failRunsWithInput: null })
    const queuedBefore = await simQueued()
    const rerun = await t.call('grids.rerunFailed', { gridId })
    const replaced = rerun.cells.filter((cell) => cell.y === 1)
    expect(replaced.every((cell) => !first.cells.some((old) => old.runId === cell.runId))).toBe(true)
    const done = await waitForGrid(t, gridId, (grid) => grid.imageState === 'saved' && grid.imageOutputId !== firstImage)
    expect(await simQueued()).toBe(queuedBefore + 4)
    expect(done.cells.every((cell) => cell.status === 'succeeded' && cell.outputId !== null)).toBe(true)
    // Replayed in the order published: never more than 4 of the grid's runs sent and not ended at once.
    const state = new Map<string, 'waiting' | 'active' | 'ended'>()
    let most = 0
    for (const event of t.seen) {
      if (event.type !== 'run.updated' || event.run.gridId !== gridId) continue
      const { status, liveStatus } = event.run
      state.set(event.run.id, status === 'submitting' && liveStatus?.startsWith('Waiting') ? 'waiting' : ['submitting', 'queued', 'running'].includes(status) ? 'active' : 'ended')
      most = Math.max(most, [...state.values()].filter((s) => s === 'active').length)
    }
    expect(most).toBe(4)
    // The image made before the re-run is replaced, not kept beside the new one.
    expect((await t.core.call('outputs.get', { id: firstImage })).ok).toBe(false)

    const image = await t.call('outputs.get', { id: done.imageOutputId! })
    expect(image).toMatchObject({ kind: 'image', gridId, runId: null, provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.quickSketch })
    const listed = await t.call('outputs.list', { gridId })
    expect(listed.map((o) => o.id)).toContain(image.id)
    expect(listed.filter((o) => o.runId !== null).every((o) => o.gridId === gridId)).toBe(true)

    // Each region of the image holds its own cell's picture: closest in colour to that cell, of all twelve.
    const bytes = await readFile(join(t.libraryDir, image.path))
    if (process.env['GRID_DEBUG']) await (await import('node:fs/promises')).writeFile('/tmp/grid-debug.png', bytes)
    const cellFiles = await Promise.all(
      done.cells.map(async (cell) => {
        const output = (await t.call('outputs.get', { id: cell.outputId! })) as Output
        return { cell, output, bytes: await readFile(join(t.libraryDir, output.path)) }
      }),
    )
    const aspect = cellFiles[0]!.output.width! / cellFiles[0]!.output.height!
    const layout = layoutGrid({ axes: done.axes, cellTime: done.cellTime, aspect })
    if (!layout.ok) throw new Error(layout.error.message)
    expect(image.width).toBe(layout.value.width)
    const cellColours = await Promise.all(cellFiles.map((file) => meanColour(file.bytes)))
    for (const [i, { cell }] of cellFiles.entries()) {
      const { left, top } = layout.value.cellAt(cell.x, cell.y, cell.z)
      const region = await meanColour(bytes, { left: left + 2, top: top + 2, width: layout.value.cellWidth - 4, height: layout.value.cellHeight - 4 })
      expect(distance(region, cellColours[i]!), `cell (${cell.x}, ${cell.y})`).toBeLessThan(6)
      const nearest = cellColours.map((colour) => distance(region, colour)).indexOf(Math.min(...cellColours.map((colour) => distance(region, colour))))
      expect(nearest, `cell (${cell.x}, ${cell.y}) is the closest match to its region`).toBe(i)
    }

    // Dropped on the app, the image gives the grid's set-up back.
    const inspected = await t.call('files.inspect', { fileName: 'grid.png', dataBase64: bytes.toString('base64') })
    expect(inspected.grid).toEqual({ provider: setup.provider, deploymentId: setup.deploymentId, inputs: setup.inputs, axes: done.axes })
    expect(inspected.restore).toEqual({ provider: setup.provider, deploymentId: setup.deploymentId, inputs: setup.inputs })
    expect((await t.call('outputs.inspect', { id: image.id })).grid).toEqual(inspected.grid)
    expect(done.axes[1]!.labels).toEqual(['fox', 'zebra', 'lighthouse'])
    expect((await t.call('grids.list', {})).map((grid) => grid.gridId)).toEqual([gridId])
  })

  it('cancels a grid: cells waiting locally are never sent', async () => {
    const t = await start({ providerConcurrency: { comfydeploy: 1 } })
    const queuedBefore = await simQueued()
    const { gridId, runs } = await t.call('grids.submit', {
      provider: 'comfydeploy',
      deploymentId: DEPLOYMENT_IDS.quickSketch,
      inputs: { prompt: 'a fox' },
      axes: [{ input: 'seed', values: [1, 2, 3, 4, 5, 6] }],
    })
    expect(runs.filter((run) => run.liveStatus?.startsWith('Waiting')).length).toBe(5)
    // The service cancels a run only once it has a worker (the simulator, like ComfyDeploy, refuses during cold start).
    // (A quick run may even have ended by the time it is polled: then it stays as it ended.)
    await t.waitForRun(runs[0]!.id, (run) => !['submitting', 'queued'].includes(run.status))
    const cancelled = await t.call('grids.cancel', { gridId })
    expect(cancelled.cells.slice(1).every((cell) => cell.status === 'cancelled')).toBe(true)
    expect(['cancelled', 'succeeded']).toContain(cancelled.cells[0]!.status)
    expect(await simQueued()).toBe(queuedBefore + 1)
    const ended = await waitForGrid(t, gridId, (grid) => grid.imageState === 'failed' || grid.imageState === 'saved')
    if (ended.cells[0]!.status === 'cancelled') expect(ended.imageError).toContain('No cell succeeded')
    expect(await simQueued()).toBe(queuedBefore + 1)
  })

  it('announces the grid image the moment its state changes, however long the grid waits between other updates', async () => {
    // Cells' updates held back ten minutes: only the image's states, announced at once, arrive within the test.
    const t = await start({ gridUpdateEveryMs: 600_000 })
    const { gridId } = await t.call('grids.submit', {
      provider: 'comfydeploy',
      deploymentId: DEPLOYMENT_IDS.quickSketch,
      inputs: { prompt: 'a heron' },
      axes: [{ input: 'seed', values: [1, 2] }],
    })
    const saved = await t.waitForEvent((e) => e.type === 'grid.updated' && e.grid.gridId === gridId && e.grid.imageState === 'saved', 20_000)
    expect(saved.type === 'grid.updated' && saved.grid.cells.map((cell) => cell.status)).toEqual(['succeeded', 'succeeded'])
  })

  it('after a restart, sends the cells that were still waiting and finishes the grid', async () => {
    const t = await start({ providerConcurrency: { comfydeploy: 1 } })
    const queuedBefore = await simQueued()
    const { gridId } = await t.call('grids.submit', {
      provider: 'comfydeploy',
      deploymentId: DEPLOYMENT_IDS.quickSketch,
      inputs: { prompt: 'a heron' },
      axes: [{ input: 'seed', values: [1, 2, 3, 4] }],
    })
    const again = await rig.restart(t)
    const grid = await waitForGrid(again, gridId, (g) => g.imageState === 'saved')
    expect(grid.cells.map((cell) => cell.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded'])
    // Each cell sent once: none was taken for a lost submit and sent again.
    expect(await simQueued()).toBe(queuedBefore + 4)
  })

  it('sends a prompt list as one batch, one run per row, through the same queue', async () => {
    const t = await start()
    const lines = ['a fox', 'a heron', 'a lighthouse', 'a boat', 'a mountain']
    const runs = await t.call('runs.submitList', { provider: 'demo', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { seed: 7 }, rows: lines.map((prompt) => ({ prompt })) })
    expect(runs).toHaveLength(5)
    expect(new Set(runs.map((run) => run.batchId)).size).toBe(1)
    expect(runs.map((run) => run.inputs)).toEqual(lines.map((prompt) => ({ seed: 7, prompt })))
    const ended = await Promise.all(runs.map((run) => t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputs === 'saved', 30_000)))
    expect(ended).toHaveLength(5)
    const bad = await t.core.call('runs.submitList', { provider: 'demo', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: {}, rows: [{ prompt: 'x' }, { colour: 'red' }] })
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: 'Row 2: "colour" is not an input of this deployment' } })
  })

  it('refuses a grid of more than 400 cells, or over an unknown input, before anything is made', async () => {
    const t = await start()
    const many = (n: number) => Array.from({ length: n }, (_, i) => i + 1)
    const tooMany = await t.core.call('grids.submit', {
      provider: 'demo',
      deploymentId: DEPLOYMENT_IDS.quickSketch,
      inputs: { prompt: 'x' },
      axes: [{ input: 'seed', values: many(21) }, { input: 'prompt', values: many(20).map(String) }],
    })
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
    expect(!tooMany.ok && tooMany.error.message).toContain('420 cells (21 × 20); a grid holds at most 400')
    const unknown = await t.core.call('grids.submit', { provider: 'demo', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: {}, axes: [{ input: 'cfg', values: [1, 2] }] })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'cfg' } })
    const missing = await t.core.call('grids.get', { gridId: 'g_nope' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(await t.call('runs.list', {})).toEqual([])
    expect(await t.call('grids.list', {})).toEqual([])
  })

  it('asks for the spend confirmation of the whole grid on a paid provider, and sends nothing before it', async () => {
    const t = await start()
    await t.call('settings.update', { budgets: { comfydeploy: { monthlyUsd: null, confirmAboveUsd: 0.001, hardStop: false } } })
    const queuedBefore = await simQueued()
    const args = { provider: 'comfydeploy' as const, deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'a fox' }, axes: [{ input: 'seed', values: [1, 2, 3] }] }
    const refused = await t.core.call('grids.submit', args)
    expect(refused).toMatchObject({ ok: false, error: { code: 'SPEND_CONFIRMATION_REQUIRED' } })
    if (refused.ok) return
    expect(refused.error.message).toContain('These 3 runs would cost about')
    expect(await t.call('runs.list', {})).toEqual([])
    expect(await t.call('grids.list', {})).toEqual([])
    expect(await simQueued()).toBe(queuedBefore)
    const list = await t.core.call('runs.submitList', { ...args, axes: undefined, rows: [{ seed: 1 }, { seed: 2 }] } as never)
    expect(list).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } }) // axes is not a list's argument
    const listRefused = await t.core.call('runs.submitList', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'a fox' }, rows: [{ seed: 1 }, { seed: 2 }] })
    expect(listRefused).toMatchObject({ ok: false, error: { code: 'SPEND_CONFIRMATION_REQUIRED' } })

    const sent = await t.call('grids.submit', { ...args, confirmUsd: refused.error.details!.estimateUsd! })
    expect(sent.runs).toHaveLength(3)
    expect(sent.runs.every((run) => run.gridId === sent.gridId)).toBe(true)
    const grid = await waitForGrid(t, sent.gridId, (g) => g.imageState === 'saved')
    expect(grid.cells.every((cell) => cell.status === 'succeeded')).toBe(true)
  })
})
