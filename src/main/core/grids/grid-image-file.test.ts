import { describe, expect, it } from 'vitest'
import { CourierRecord } from '@shared/provenance'
import { GRID_PART_NAME } from '../downloads/output-target'
import type { StoredGrid } from '../store/grids-repo'
import { gridImagePath, gridRecord } from './grid-image-file'

const grid: StoredGrid = {
  id: 'g_Ab-_9xYzQq12',
  provider: 'demo',
  deploymentId: 'dep',
  deploymentName: 'Quick Sketch',
  inputs: { prompt: 'a fox', seed: 3 },
  axes: [{ input: 'seed', values: [1, 2], labels: ['1', '2'] }],
  cellTime: true,
  imageOutputId: null,
  imageState: 'making',
  imageError: null,
  createdAt: Date.parse('2026-12-06T10:00:00'),
}

describe('grid image file', () => {
  it('is named beside its cells, and its scratch file is one the library start-up cleans', () => {
    const path = gridImagePath(grid, Date.parse('2026-12-06T11:00:00'))
    expect(path).toMatch(/^2026-12-06\/quick-sketch\/grid-Ab-_9xYz-[a-z0-9]+\.png$/)
    expect(GRID_PART_NAME.test(`${path.split('/').pop()}.part`)).toBe(true)
  })

  it('carries a valid comfy-courier/1 record with the set-up, the grid named where a run would be', () => {
    const record = CourierRecord.parse(gridRecord(grid, 'Comfy Courier 0.1.0', 5))
    expect(record).toMatchObject({ runId: grid.id, providerRunId: null, inputs: grid.inputs, prompt: 'a fox' })
    expect(record.grid).toEqual({ provider: 'demo', deploymentId: 'dep', inputs: grid.inputs, axes: grid.axes })
  })
})
