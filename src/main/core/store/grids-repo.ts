import type { GridAxis, GridImageState } from '@shared/grid'
import { terminalStatuses, type InputValues, type ProviderId, type RunError, type RunOutputs, type RunStatus } from '@shared/run'
import { first, statement, type Db } from './database'

/** A grid as stored: its set-up and where its image stands (its cells are read with `cells`). */
export interface StoredGrid {
  id: string
  provider: ProviderId
  deploymentId: string
  deploymentName: string
  inputs: InputValues
  axes: GridAxis[]
  cellTime: boolean
  imageOutputId: string | null
  imageState: GridImageState
  imageError: string | null
  createdAt: number
}

/** A cell with what the grid view and the grid image need of its run and outputs. */
export interface StoredCell {
  x: number
  y: number
  z: number
  runId: string
  status: RunStatus
  outputs: RunOutputs
  error: RunError | null
  /** When its run was sent (else created) and ended: the time printed under it. */
  startedAt: number
  finishedAt: number | null
  /** The run's first saved output, and its first saved picture (what the grid image shows). */
  outputId: string | null
  imageOutputId: string | null
}

type GridRow = {
  id: string
  provider: string
  deployment_id: string
  deployment_name: string
  inputs: string
  axes: string
  cell_time: number
  image_output_id: string | null
  image_state: string
  image_error: string | null
  created_at: number
}

/** A grid image the user deleted from the gallery is no longer the grid's: its id reads as null. */
const SELECT = `SELECT g.id, g.provider, g.deployment_id, g.deployment_name, g.inputs, g.axes, g.cell_time, o.id AS image_output_id,
    g.image_state, g.image_error, g.created_at
  FROM grids g LEFT JOIN outputs o ON o.id = g.image_output_id`

const fromRow = (row: GridRow): StoredGrid => ({
  id: row.id,
  provider: row.provider as ProviderId,
  deploymentId: row.deployment_id,
  deploymentName: row.deployment_name,
  inputs: JSON.parse(row.inputs) as InputValues,
  axes: JSON.parse(row.axes) as GridAxis[],
  cellTime: row.cell_time === 1,
  imageOutputId: row.image_output_id,
  imageState: row.image_state as GridImageState,
  imageError: row.image_error,
  createdAt: row.created_at,
})

/**
 * The `grids` and `grid_cells` tables' SQL and nothing else. Its one user is the `GridService`, the owner
 * of grid state; a cell's run is the ledger's, read here only to answer the grid.
 */
export class GridsRepo {
  constructor(private readonly db: Db) {}

  insert(grid: Omit<StoredGrid, 'imageOutputId' | 'imageState' | 'imageError'>): void {
    statement(
      this.db,
      `INSERT INTO grids (id, provider, deployment_id, deployment_name, inputs, axes, cell_time, image_state, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting', ?)`,
    ).run(grid.id, grid.provider, grid.deploymentId, grid.deploymentName, JSON.stringify(grid.inputs), JSON.stringify(grid.axes), grid.cellTime ? 1 : 0, grid.createdAt)
  }

  /** Puts a run in a place: a new cell, or a re-run taking the place of the one before. */
  placeRun(gridId: string, place: { x: number; y: number; z: number }, runId: string): void {
    statement(this.db, 'INSERT OR REPLACE INTO grid_cells (grid_id, x, y, z, run_id) VALUES (?, ?, ?, ?, ?)').run(gridId, place.x, place.y, place.z, runId)
  }

  get(id: string): StoredGrid | undefined {
    const row = first<GridRow>(statement(this.db, `${SELECT} WHERE g.id = ?`).all(id))
    return row && fromRow(row)
  }

  list(limit: number): StoredGrid[] {
    return (statement(this.db, `${SELECT} ORDER BY g.created_at DESC, g.rowid DESC LIMIT ?`).all(limit) as GridRow[]).map(fromRow)
  }

  /** Grids whose image is not made yet (or was being made when the app stopped): looked at again on start. */
  unsettled(): StoredGrid[] {
    return (statement(this.db, `${SELECT} WHERE g.image_state IN ('waiting', 'making')`).all() as GridRow[]).map(fromRow)
  }

  /** A grid's cells in cell order (x fastest, then y, then z). */
  cells(gridId: string): StoredCell[] {
    const rows = statement(
      this.db,
      `SELECT c.x, c.y, c.z, c.run_id, r.status, r.downloads, r.error, r.created_at, r.sent_at, r.finished_at,
         (SELECT o.id FROM outputs o WHERE o.run_id = c.run_id ORDER BY o.idx LIMIT 1) AS output_id,
         (SELECT o.id FROM outputs o WHERE o.run_id = c.run_id AND o.kind = 'image' ORDER BY o.idx LIMIT 1) AS image_id
       FROM grid_cells c JOIN runs r ON r.id = c.run_id WHERE c.grid_id = ? ORDER BY c.z, c.y, c.x`,
    ).all(gridId) as {
      x: number
      y: number
      z: number
      run_id: string
      status: string
      downloads: string
      error: string | null
      created_at: number
      sent_at: number | null
      finished_at: number | null
      output_id: string | null
      image_id: string | null
    }[]
    return rows.map((row) => ({
      x: row.x,
      y: row.y,
      z: row.z,
      runId: row.run_id,
      status: row.status as RunStatus,
      // The runs table's word predates `RunOutputs` (runs-repo.ts): 'done' is 'saved'.
      outputs: (row.downloads === 'done' ? 'saved' : row.downloads) as RunOutputs,
      error: row.error === null ? null : (JSON.parse(row.error) as RunError),
      startedAt: row.sent_at ?? row.created_at,
      finishedAt: row.finished_at,
      outputId: row.output_id,
      imageOutputId: row.image_id,
    }))
  }

  /**
   * Whether any of a grid's cells is still open: its run has not ended, or its files are still being saved.
   * Asked each time a cell's run ends, so it reads the primary key (x, y, z) backwards: the last rows' cells
   * come first, and while a grid fills they are the open ones, so it stops after a row or two instead of
   * counting every cell.
   */
  hasOpenCells(gridId: string): boolean {
    const ended = terminalStatuses.map(() => '?').join(', ')
    const row = statement(
      this.db,
      `SELECT 1 AS open FROM grid_cells c JOIN runs r ON r.id = c.run_id
       WHERE c.grid_id = ? AND (r.status NOT IN (${ended}) OR r.downloads = 'pending')
       ORDER BY c.x DESC, c.y DESC, c.z DESC LIMIT 1`,
    ).get(gridId, ...terminalStatuses) as { open: number } | undefined
    return row !== undefined
  }

  /** Where a run stands in its grid, its run's times, and the picture it shows there: its first image output (as `cells` reads it), or null. */
  cellPicture(runId: string): (Pick<StoredCell, 'x' | 'y' | 'z' | 'status' | 'startedAt' | 'finishedAt'> & { imageId: string | null }) | null {
    const row = statement(
      this.db,
      `SELECT c.x, c.y, c.z, r.status, r.created_at, r.sent_at, r.finished_at,
         (SELECT o.id FROM outputs o WHERE o.run_id = c.run_id AND o.kind = 'image' ORDER BY o.idx LIMIT 1) AS image_id
       FROM grid_cells c JOIN runs r ON r.id = c.run_id WHERE c.run_id = ?`,
    ).get(runId) as { x: number; y: number; z: number; status: string; created_at: number; sent_at: number | null; finished_at: number | null; image_id: string | null } | undefined
    if (row === undefined) return null
    return { x: row.x, y: row.y, z: row.z, status: row.status as RunStatus, startedAt: row.sent_at ?? row.created_at, finishedAt: row.finished_at, imageId: row.image_id }
  }

  setImage(id: string, image: { state: GridImageState; outputId?: string | null; error?: string | null }): void {
    if (image.outputId !== undefined) statement(this.db, 'UPDATE grids SET image_output_id = ? WHERE id = ?').run(image.outputId, id)
    statement(this.db, 'UPDATE grids SET image_state = ?, image_error = ? WHERE id = ?').run(image.state, image.error ?? null, id)
  }
}
