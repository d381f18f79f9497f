import { describe, expect, it } from 'vitest'
import type { Grid, GridCell } from '@shared/grid'
import type { RunId } from '@shared/run'
import { keepUnchangedCells } from './grids'

const cell = (x: number, status: GridCell['status'] = 'queued'): GridCell => ({ x, y: 0, z: 0, runId: `r${x}` as RunId, status, outputId: null })
const grid = (cells: GridCell[], imageState: Grid['imageState'] = 'waiting'): Grid => ({
  gridId: 'g_1',
  provider: 'demo',
  deploymentId: 'd',
  deploymentName: 'Quick Sketch',
  inputs: {},
  axes: [{ input: 'seed', values: cells.map((c) => c.x), labels: cells.map((c) => String(c.x)) }],
  cells,
  cellTime: true,
  imageOutputId: null,
  imageState,
  imageError: null,
  createdAt: 1,
})

describe('keepUnchangedCells', () => {
  it('keeps each unchanged cell as the object it was, and takes the changed ones', () => {
    const before = grid([cell(0), cell(1), cell(2)])
    const after = keepUnchangedCells(before, grid([cell(0), cell(1, 'running'), cell(2)]))
    expect(after.cells[0]).toBe(before.cells[0])
    expect(after.cells[2]).toBe(before.cells[2])
    expect(after.cells[1]).toEqual(cell(1, 'running'))
    expect(after.cells[1]).not.toBe(before.cells[1])
  })

  it('keeps the cells array when no cell moved, while the rest of the grid is the new copy', () => {
    const before = grid([cell(0, 'succeeded'), cell(1, 'succeeded')])
    const next = grid([cell(0, 'succeeded'), cell(1, 'succeeded')], 'making')
    const after = keepUnchangedCells(before, next)
    expect(after.cells).toBe(before.cells)
    expect(after.imageState).toBe('making')
  })

  it('takes the new grid whole when there was none, or when its cells are another set (a re-run)', () => {
    const next = grid([cell(0)])
    expect(keepUnchangedCells(undefined, next)).toBe(next)
    const rerun = grid([{ ...cell(0), runId: 'r9' as RunId }])
    expect(keepUnchangedCells(grid([cell(0)]), rerun).cells[0]!.runId).toBe('r9')
    expect(keepUnchangedCells(grid([cell(0), cell(1)]), next).cells).toBe(next.cells)
  })
})
