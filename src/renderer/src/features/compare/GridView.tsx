import { useCallback, useEffect, useId, useMemo, useState, type ReactNode } from 'react'
import type { Grid } from '@shared/grid'
import type { Output, OutputId } from '@shared/output'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice } from '../../components/ErrorNotice'
import { Lightbox } from '../../components/Lightbox'
import { MediaThumb } from '../../components/MediaThumb'
import { ProgressBar } from '../../components/ProgressBar'
import { BatchCost } from '../../components/RunCost'
import { ViewHeader } from '../../components/ViewHeader'
import { useCourier } from '../../store/context'
import { outputById } from '../../store/grid-index'
import type { CourierState } from '../../store/types'
import { failedStatus, GridCells, type CellPlace } from './GridCells'
import { axisName } from './plan'

/** A grid's cells counted by what became of them. */
export function gridCounts(grid: Grid): { done: number; succeeded: number; failed: number; cancelled: number; active: number } {
  let succeeded = 0
  let failed = 0
  let cancelled = 0
  let active = 0
  for (const c of grid.cells) {
    if (c.status === 'succeeded') succeeded++
    else if (c.status === 'cancelled') cancelled++
    else if (failedStatus(c.status)) failed++
    else active++
  }
  return { done: succeeded + failed + cancelled, succeeded, failed, cancelled, active }
}

/** The input's label in the deployment's form, else its id. */
const fieldLabel = (grid: Grid, input: string) => (s: CourierState): string =>
  s.generate.deployments[grid.provider]?.items.find((d) => d.id === grid.deploymentId)?.inputs.find((f) => f.id === input)?.label ?? input

/**
 * A comparison grid, live (`#/grids/<id>`): the cells fill as their runs end, each with its picture, time and
 * cost; failed cells say why. Re-run failed cells, Cancel the rest, and the grid image once it is made. Each
 * cell reads its own run and output, so an event re-renders the cell it is about, not the 400 others.
 */
export function GridView({ gridId }: { gridId: string }) {
  const grid = useCourier((s) => s.grids.byId[gridId])
  const error = useCourier((s) => s.grids.errors[gridId])
  const load = useCourier((s) => s.grids.load)
  const loadOutputs = useCourier((s) => s.grids.loadOutputs)
  const go = useCourier((s) => s.nav.go)
  const known = grid !== undefined

  useEffect(() => {
    if (!known) void load(gridId)
  }, [known, gridId, load])
  // The pictures of cells saved before this session are not among the newest outputs: read once.
  useEffect(() => {
    void loadOutputs(gridId)
  }, [gridId, loadOutputs])

  const back = (
    <a
      href="#/runs"
      className="link link--small"
      onClick={(e) => {
        e.preventDefault()
        go('runs')
      }}
    >
      ← All runs
    </a>
  )
  if (grid === undefined) {
    return (
      <section className="view" aria-labelledby="grid-title">
        <ViewHeader id="grid-title" title="Grid" sub="A comparison grid: every cell is a run of its own.">
          {back}
        </ViewHeader>
        {error !== undefined ? (
          <ErrorNotice error={error} onRetry={() => void load(gridId)} />
        ) : (
          <p className="loading" role="status">
            <span className="spinner" aria-hidden="true" /> Reading the grid…
          </p>
        )}
      </section>
    )
  }
  return <GridLoaded grid={grid} back={back} />
}

function GridLoaded({ grid, back }: { grid: Grid; back: ReactNode }) {
  const rerunFailed = useCourier((s) => s.grids.rerunFailed)
  const setFilter = useCourier((s) => s.outputs.setFilter)
  const go = useCourier((s) => s.nav.go)
  const cancel = useCourier((s) => s.grids.cancel)
  const [page, setPage] = useState(0)
  const [viewing, setViewing] = useState<OutputId | null>(null)
  const [busy, setBusy] = useState<'rerun' | 'cancel' | null>(null)
  const close = useCallback(() => setViewing(null), [])
  const [ax, ay, az] = grid.axes
  const xLabel = useCourier(fieldLabel(grid, ax?.input ?? ''))
  const yLabel = useCourier(fieldLabel(grid, ay?.input ?? ''))
  const zLabel = useCourier(fieldLabel(grid, az?.input ?? ''))
  const counts = gridCounts(grid)
  const total = grid.cells.length
  const zPage = Math.min(page, Math.max(0, (az?.values.length ?? 1) - 1))
  const titleId = useId()

  // Which run stands where changes only when cells are re-run, and the axes never: the table is rebuilt then, not
  // at each event (every event brings a new copy of the grid; a cell's status and picture come to the cell itself).
  const placesKey = useMemo(() => grid.cells.map((c) => `${c.x},${c.y},${c.z},${c.runId}`).join(';'), [grid.cells])
  const axesKey = useMemo(() => JSON.stringify(grid.axes.map((a) => a.labels)), [grid.axes])
  const xCount = ax?.values.length ?? 1
  const yCount = ay?.values.length ?? 1
  const rows = useMemo(() => {
    const table: Array<Array<CellPlace | undefined>> = Array.from({ length: yCount }, () => Array.from({ length: xCount }, () => undefined))
    grid.cells.forEach((cell, index) => {
      const row = table[cell.y]
      if (cell.z === zPage && row !== undefined) row[cell.x] = { runId: cell.runId, index }
    })
    return table
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `placesKey` stands for the cells' places
  }, [placesKey, xCount, yCount, zPage])
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `axesKey` stands for the labels
  const xLabels = useMemo(() => ax?.labels ?? [''], [axesKey])
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `axesKey` stands for the labels
  const yLabels = useMemo(() => ay?.labels ?? null, [axesKey])

  // eslint-disable-next-line react-hooks/exhaustive-deps -- `placesKey` stands for the cells' runs
  const runIds = useMemo(() => new Set<string>(grid.cells.map((c) => c.runId)), [placesKey])

  const act = async (what: 'rerun' | 'cancel') => {
    setBusy(what)
    await (what === 'rerun' ? rerunFailed(grid.gridId) : cancel(grid.gridId))
    setBusy(null)
  }

  return (
    <section className="view grid-view" aria-labelledby={titleId} data-grid-id={grid.gridId} data-grid-done={counts.done} data-grid-total={total} data-image-state={grid.imageState}>
      <ViewHeader
        id={titleId}
        title={`Grid of ${total} · ${grid.deploymentName}`}
        sub={grid.axes.map((a, i) => `${axisName(i)}: ${[xLabel, yLabel, zLabel][i]} (${a.values.length})`).join(' · ')}
      >
        {back}
      </ViewHeader>
      <div className="grid-view__bar card">
        <div className="grid-view__status">
          <p className="grid-view__summary" aria-live="polite">
            {counts.done} of {total} cells done
            {counts.failed > 0 && ` · ${counts.failed} failed`}
            {counts.cancelled > 0 && ` · ${counts.cancelled} cancelled`}
            {counts.active > 0 && ` · ${counts.active} to go`}
          </p>
          <ProgressBar
            value={total === 0 ? 0 : counts.done / total}
            label="Progress of the grid"
            valueText={`${counts.done} of ${total} cells done`}
            segments={[
              { tone: 'ok', value: counts.succeeded / Math.max(1, total) },
              { tone: 'error', value: counts.failed / Math.max(1, total) },
              { tone: 'cancelled', value: counts.cancelled / Math.max(1, total) },
            ]}
          />
          <span className="grid-view__cost">
            <GridCost runIds={runIds} />
          </span>
        </div>
        <div className="grid-view__actions">
          {counts.succeeded > 0 && (
            <button
              type="button"
              className="btn btn--small btn--ghost"
              onClick={() => {
                setFilter({ gridId: grid.gridId, batchId: null })
                go('gallery')
              }}
            >
              Show in Gallery
            </button>
          )}
          {counts.failed + counts.cancelled > 0 && counts.active === 0 && (
            <button type="button" className="btn btn--small" disabled={busy !== null} onClick={() => void act('rerun')}>
              Re-run {counts.failed + counts.cancelled} {counts.cancelled === 0 ? 'failed' : counts.failed === 0 ? 'cancelled' : 'failed or cancelled'}{' '}
              {counts.failed + counts.cancelled === 1 ? 'cell' : 'cells'}
            </button>
          )}
          {counts.active > 0 && (
            <button type="button" className="btn btn--small btn--danger-ghost" disabled={busy !== null} onClick={() => void act('cancel')}>
              Cancel the rest
            </button>
          )}
        </div>
      </div>
      <GridImage grid={grid} onOpen={setViewing} />
      {az !== undefined && (
        <div className="segmented grid-view__pages" role="group" aria-label={`Page (Z: ${zLabel})`}>
          {az.labels.map((label, i) => (
            <button key={i} type="button" className="segmented__item" aria-pressed={zPage === i} onClick={() => setPage(i)}>
              {zLabel} {label}
            </button>
          ))}
        </div>
      )}
      {total === 0 ? (
        <EmptyState title="This grid has no cells." />
      ) : (
        <GridCells
          gridId={grid.gridId}
          rows={rows}
          xName={xLabel}
          yName={ay !== undefined ? yLabel : null}
          xLabels={xLabels}
          yLabels={yLabels}
          onOpen={setViewing}
        />
      )}
      {viewing !== null && <GridLightbox grid={grid} openId={viewing} onNavigate={setViewing} onClose={close} />}
    </section>
  )
}

/** What the grid's runs cost so far: its own component, so a run's event re-renders this line, not the view. */
function GridCost({ runIds }: { runIds: ReadonlySet<string> }) {
  const runs = useCourier((s) => s.runs.items)
  const gridRuns = useMemo(() => runs.filter((r) => runIds.has(r.id)), [runs, runIds])
  return <BatchCost runs={gridRuns} />
}

/** The lightbox over a grid: its cells' outputs in cell order, then the grid image. */
function GridLightbox({ grid, openId, onNavigate, onClose }: { grid: Grid; openId: OutputId; onNavigate(id: OutputId): void; onClose(): void }) {
  const items = useCourier((s) => s.outputs.items)
  const own = useCourier((s) => s.grids.outputs[grid.gridId])
  const image = useCourier(outputById(grid.imageOutputId))
  const outputs = useMemo(() => {
    const byRun = new Map<string, Output>()
    for (const o of [...(own ?? []), ...items]) if (o.runId !== null) byRun.set(o.runId, o)
    const list = grid.cells.map((c) => byRun.get(c.runId)).filter((o): o is Output => o !== undefined)
    return image !== undefined ? [...list, image] : list
  }, [items, own, grid.cells, image])
  if (!outputs.some((o) => o.id === openId)) return null
  return <Lightbox outputs={outputs} openId={openId} onNavigate={onNavigate} onClose={onClose} />
}

function GridImage({ grid, onOpen }: { grid: Grid; onOpen(id: OutputId): void }) {
  const image = useCourier(outputById(grid.imageOutputId))
  const get = useCourier((s) => s.outputs.get)
  const receive = useCourier((s) => s.outputs.receive)
  useEffect(() => {
    // Saved before this view was open, and not among the outputs read: fetched once.
    if (grid.imageOutputId !== null && image === undefined) {
      void get(grid.imageOutputId as OutputId).then((res) => {
        if (res.ok) receive(res.value)
      })
    }
  }, [grid.imageOutputId, image, get, receive])
  const text: Record<Grid['imageState'], string> = {
    waiting: 'The grid image is assembled here once every cell has ended.',
    making: 'Assembling the grid image…',
    saved: 'The grid image is in the library, with the set-up in it: drop it on Generate to make this grid again.',
    failed: grid.imageError ?? 'The grid image could not be made.',
  }
  return (
    <div className={`grid-image grid-image--${grid.imageState}`} data-image-state={grid.imageState}>
      {image !== undefined && (
        <button type="button" className="grid-image__thumb" aria-label="Open the grid image" data-output-id={image.id} onClick={() => onOpen(image.id)}>
          <MediaThumb output={image} />
        </button>
      )}
      <p className="grid-image__text" role={grid.imageState === 'failed' ? 'alert' : 'status'}>
        {grid.imageState === 'making' && <span className="spinner spinner--small" aria-hidden="true" />} {text[grid.imageState]}
      </p>
    </div>
  )
}
