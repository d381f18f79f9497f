import type { Grid } from '@shared/grid'
import { cellCount, specOfAxis } from '@shared/grid-axes'
import type { AxisDraft, GridsSlice, SliceContext } from './types'

/** Whether `next` is at least as far along as `current` (events and answers may cross). */
function newer(current: Grid | undefined, next: Grid): boolean {
  if (current === undefined) return true
  // A re-run puts cells back to queued and the image back to waiting: the cells' runs say which copy is later.
  const ended = (g: Grid) => g.cells.filter((c) => c.status === 'succeeded' || c.status === 'failed' || c.status === 'cancelled' || c.status === 'timed_out').length
  const runsChanged = current.cells.some((c, i) => next.cells[i]?.runId !== c.runId)
  if (runsChanged) return true
  const imageRank = { waiting: 0, making: 1, saved: 2, failed: 2 } as const
  return ended(next) > ended(current) || (ended(next) === ended(current) && imageRank[next.imageState] >= imageRank[current.imageState])
}

/**
 * `next` with every cell that did not change kept as the object it was: each of a grid view's 400 cells
 * compares its own by identity, and a `grid.updated` (every 200 ms while a grid fills) otherwise re-rendered
 * all of them for the few that moved. With no cell changed, the array itself is kept.
 */
export function keepUnchangedCells(current: Grid | undefined, next: Grid): Grid {
  if (current === undefined || current.cells.length !== next.cells.length) return next
  let changed = false
  const cells = next.cells.map((cell, i) => {
    const was = current.cells[i]!
    const same = was.x === cell.x && was.y === cell.y && was.z === cell.z && was.runId === cell.runId && was.status === cell.status && was.outputId === cell.outputId
    if (!same) changed = true
    return same ? was : cell
  })
  return { ...next, cells: changed ? cells : current.cells }
}

/**
 * Comparison grids (issue 18): the one owner of the grids the renderer knows, kept in step with `grid.updated`.
 * Each cell is an ordinary run (in the runs slice); a grid holds where each run stands and its image.
 */
export function createGridsSlice({ get, patch, deps }: SliceContext): GridsSlice {
  let axisKeys = 0
  return {
    mode: 'one',
    axes: [],
    list: { text: '', field: null, csv: null },
    byId: {},
    outputs: {},
    errors: {},
    listStatus: 'idle',

    setMode(mode) {
      patch('grids', { mode })
    },

    setAxes(axes) {
      patch('grids', { axes })
    },

    setList(change) {
      patch('grids', (g) => ({ list: { ...g.list, ...change } }))
    },

    async load(gridId) {
      const res = await deps.courier.invoke('grids.get', { gridId })
      if (res.ok) get().grids.receive(res.value)
      else patch('grids', (g) => ({ errors: { ...g.errors, [gridId]: res.error } }))
      return res
    },

    async loadOutputs(gridId) {
      const res = await deps.courier.invoke('outputs.list', { gridId, limit: 500 })
      if (res.ok) patch('grids', (g) => ({ outputs: { ...g.outputs, [gridId]: res.value.filter((o) => o.gridId === gridId) } }))
    },

    async loadList() {
      if (get().grids.listStatus === 'loading') return
      patch('grids', { listStatus: 'loading' })
      const res = await deps.courier.invoke('grids.list', { limit: 50 })
      if (!res.ok) {
        patch('grids', { listStatus: 'error' })
        return
      }
      for (const grid of res.value) get().grids.receive(grid)
      patch('grids', { listStatus: 'loaded' })
    },

    receive(grid) {
      const current = get().grids.byId[grid.gridId]
      if (!newer(current, grid)) return
      patch('grids', (g) => {
        const { [grid.gridId]: _gone, ...errors } = g.errors
        return { byId: { ...g.byId, [grid.gridId]: keepUnchangedCells(current, grid) }, errors }
      })
    },

    async submit(args, deploymentName) {
      const count = cellCount(args.axes)
      const res = await get().spend.submitWithSpendCheck(
        { what: `Make a grid of ${count} runs of ${deploymentName}`, provider: args.provider, deploymentId: args.deploymentId, count },
        (confirmUsd) => deps.courier.invoke('grids.submit', confirmUsd === undefined ? args : { ...args, confirmUsd }),
      )
      if (res === null || !res.ok) return res
      get().runs.receiveAll(res.value.runs)
      // The grid's own answer may have come as an event already; if not, it is read now.
      if (get().grids.byId[res.value.gridId] === undefined) void get().grids.load(res.value.gridId)
      get().nav.showGrid(res.value.gridId)
      void get().spend.loadQuote(args.provider, args.deploymentId, count)
      return res
    },

    async submitList(args, deploymentName) {
      const count = args.rows.length
      const res = await get().spend.submitWithSpendCheck(
        { what: `Generate ${count} runs of ${deploymentName} from a prompt list`, provider: args.provider, deploymentId: args.deploymentId, count },
        (confirmUsd) => deps.courier.invoke('runs.submitList', confirmUsd === undefined ? args : { ...args, confirmUsd }),
      )
      if (res === null || !res.ok) return res
      get().runs.receiveAll(res.value)
      void get().spend.loadQuote(args.provider, args.deploymentId, count)
      return res
    },

    async rerunFailed(gridId) {
      const grid = get().grids.byId[gridId]
      const failed = grid?.cells.filter((c) => c.status === 'failed' || c.status === 'cancelled' || c.status === 'timed_out').length ?? 1
      const res = await get().spend.submitWithSpendCheck(
        {
          what: `Run ${failed} failed ${failed === 1 ? 'cell' : 'cells'} of the grid again`,
          provider: grid?.provider ?? 'demo',
          deploymentId: grid?.deploymentId ?? null,
          count: failed,
        },
        (confirmUsd) => deps.courier.invoke('grids.rerunFailed', confirmUsd === undefined ? { gridId } : { gridId, confirmUsd }),
      )
      if (res === null) return null
      if (res.ok) get().grids.receive(res.value)
      else get().toasts.failure('Could not run the failed cells again', res.error)
      return res
    },

    async cancel(gridId) {
      const res = await deps.courier.invoke('grids.cancel', { gridId })
      if (res.ok) get().grids.receive(res.value)
      else get().toasts.failure('Could not cancel the rest of the grid', res.error)
      return res
    },

    restore(setup) {
      const fields = get().generate.deployments[setup.provider]?.items.find((d) => d.id === setup.deploymentId)?.inputs
      const axes: AxisDraft[] = setup.axes.map((axis) => {
        // Before the deployment's list has loaded, text values are taken for a prompt's (search/replace is found again).
        const field = fields?.find((f) => f.id === axis.input) ?? (axis.values.every((v) => typeof v === 'string') ? { id: axis.input, label: axis.input, kind: 'prompt' as const, description: '', defaultValue: null, required: false } : undefined)
        const spec = specOfAxis(axis, field, setup.inputs)
        return { key: ++axisKeys, input: spec.input, mode: spec.mode, text: spec.text, count: axis.values.length, rolled: null }
      })
      patch('grids', { mode: 'grid', axes })
    },
  }
}
