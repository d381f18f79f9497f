import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { GridCell } from '@shared/grid'
import type { Output, OutputId } from '@shared/output'
import { isTerminal, type Run } from '@shared/run'
import { formatDuration } from '../../components/format'
import { MediaThumb } from '../../components/MediaThumb'
import { ProgressBar } from '../../components/ProgressBar'
import { RunCost } from '../../components/RunCost'
import { UNMEASURED, useScrollBoxRect } from '../../components/scroll-box-rect'
import { statusLabel } from '../../components/StatusPill'
import { useCourier } from '../../store/context'
import { firstOutputOfRun, outputById, runById } from '../../store/grid-index'
import type { CourierState } from '../../store/types'

export const failedStatus = (status: GridCell['status']): boolean => status === 'failed' || status === 'cancelled' || status === 'timed_out'

/** Where a cell's run stands in the table of the page shown. */
export interface CellPlace {
  runId: string
  /** The cell's index in `grid.cells`. */
  index: number
}

// The table's measures (px). They are set here, not in CSS, because the virtualizer places rows and columns by them.
const PAD = 6
const GAP = 6
/** The row labels' column. */
const LABEL_COLUMN = 120
const MIN_CELL = 96
const MAX_CELL = 180
/** Under each picture: its time and cost, or two lines of its error. */
const FACTS = 40
/** The column labels' row as the virtualizer reckons it: two lines of label (a longer label costs an overscanned row). */
const HEADER = 40
/** Rows and columns rendered beyond those in view, so a scroll shows cells already drawn. */
const OVERSCAN = 2
/**
 * Up to this many columns, every column of a row shown is rendered: Tab then goes through each row whole, in
 * the DOM's order (with only the columns in view, a row's next cell is often not rendered yet when Tab is
 * pressed again, and the browser skips to the next row). A wider grid (at most 400 cells, so 10 rows or fewer)
 * renders the columns in view only.
 */
const ALL_COLUMNS_UP_TO = 40

/** A cell's side for a scroll box this wide: the columns share the width, within readable bounds. */
function cellSide(boxWidth: number, columns: number): number {
  const share = Math.floor((boxWidth - 2 * PAD - LABEL_COLUMN - GAP * Math.max(1, columns)) / Math.max(1, columns))
  return Math.min(MAX_CELL, Math.max(MIN_CELL, share))
}

/**
 * The cells as a CSS grid of fixed-size, contained cells (not a <table>), virtualized: only the rows in view,
 * plus OVERSCAN, are in the DOM (and of a grid wider than ALL_COLUMNS_UP_TO, the columns in view): a 20×20
 * grid has about 180 of its 400 cells there. Keeping all 400 mounted cost every frame of a fill a
 * layerisation, an intersection check and a selector per cell (Chromium's trace: 12.7 ms per frame with 400, the main thread busy two thirds of the time).
 * The ARIA table roles with row and column indexes keep it read as the whole table. Memoised: it renders
 * again when the cells' places change (a re-run) or it scrolls, never at a cell's event.
 */
export const GridCells = memo(function GridCells({
  gridId,
  rows,
  xName,
  yName,
  xLabels,
  yLabels,
  onOpen,
}: {
  gridId: string
  rows: Array<Array<CellPlace | undefined>>
  xName: string
  yName: string | null
  xLabels: string[]
  yLabels: string[] | null
  onOpen(id: OutputId): void
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  // Both virtualizers measure the scroll box; the same measurement sizes the cells.
  const { rect, observeRect } = useScrollBoxRect(UNMEASURED)
  const side = cellSide(rect.width, xLabels.length)
  const rowVirtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => side + FACTS + GAP,
    paddingStart: PAD + HEADER + GAP,
    overscan: OVERSCAN,
    observeElementRect: observeRect,
    useFlushSync: false,
  })
  const columnVirtualizer = useVirtualizer({
    horizontal: true,
    count: xLabels.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => side + GAP,
    paddingStart: PAD + LABEL_COLUMN + GAP,
    overscan: xLabels.length <= ALL_COLUMNS_UP_TO ? xLabels.length : OVERSCAN,
    observeElementRect: observeRect,
    useFlushSync: false,
  })
  useEffect(() => {
    rowVirtualizer.measure()
    columnVirtualizer.measure()
  }, [side, rowVirtualizer, columnVirtualizer])

  const shownRows = rowVirtualizer.getVirtualItems()
  const shownColumns = columnVirtualizer.getVirtualItems()

  // Tab goes through the cells row by row, as the DOM has them. But from the end of a row the DOM's next cell is
  // the next row's first one *rendered*: scrolled to the right, the cells at its start are not in the DOM, and
  // the browser would skip them. There, the box scrolls back to the start, and the first cell of a later row
  // takes the focus once rendered (Shift+Tab: to the end, and the last cell of an earlier row).
  const pendingFocus = useRef<{ row: number; backwards: boolean } | null>(null)
  const cellButtons = () => [...(scrollRef.current?.querySelectorAll<HTMLElement>('.grid-table__td button') ?? [])]
  const rowOf = (element: Element) => Number(element.closest('[role="row"]')?.getAttribute('aria-rowindex') ?? 0)
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const box = scrollRef.current
    const focused = event.target as HTMLElement
    if (event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey || box === null || !focused.matches('.grid-table__td button')) return
    const backwards = event.shiftKey
    const buttons = cellButtons()
    const next = buttons[buttons.indexOf(focused) + (backwards ? -1 : 1)]
    const edgeShown = backwards ? shownColumns.at(-1)?.index === xLabels.length - 1 : shownColumns[0]?.index === 0
    if (next === undefined || rowOf(next) === rowOf(focused) || edgeShown) return
    event.preventDefault()
    pendingFocus.current = { row: rowOf(focused), backwards }
    box.scrollLeft = backwards ? box.scrollWidth : 0
  }
  useEffect(() => {
    const pending = pendingFocus.current
    if (pending === null) return
    const buttons = cellButtons()
    const target = pending.backwards ? buttons.findLast((b) => rowOf(b) < pending.row) : buttons.find((b) => rowOf(b) > pending.row)
    // Not rendered yet: the scroll has not reached the virtualizer; this runs again at its render.
    if (target === undefined || (pending.backwards ? shownColumns.at(-1)?.index !== xLabels.length - 1 : shownColumns[0]?.index !== 0)) return
    pendingFocus.current = null
    target.focus()
  })
  // Grid lines count from 1, and the labels take the first row and column.
  const line = (index: number) => index + 2
  return (
    <div ref={scrollRef} className="grid-view__scroll" tabIndex={0} role="region" aria-label="Cells of the grid" onKeyDown={onKeyDown}>
      <div
        className="grid-table"
        role="table"
        aria-label={yName !== null ? `${yName} down, ${xName} across` : `${xName} across`}
        aria-rowcount={rows.length + 1}
        aria-colcount={xLabels.length + 1}
        style={{
          ['--cell' as string]: `${side}px`,
          ['--cell-facts' as string]: `${FACTS}px`,
          padding: PAD,
          gap: GAP,
          gridTemplateColumns: `${LABEL_COLUMN}px repeat(${xLabels.length}, var(--cell))`,
          gridTemplateRows: `auto repeat(${rows.length}, calc(var(--cell) + var(--cell-facts)))`,
        }}
      >
        <div role="row" className="grid-table__row" aria-rowindex={1}>
          <div role="columnheader" className="grid-table__corner" aria-colindex={1}>
            {yName !== null && <span className="grid-table__axis">{yName} ↓</span>}
            <span className="grid-table__axis">{xName} →</span>
          </div>
          {shownColumns.map((column) => (
            <div
              key={column.index}
              role="columnheader"
              className="grid-table__label"
              aria-colindex={line(column.index)}
              title={xLabels[column.index]}
              style={{ gridRow: 1, gridColumn: line(column.index) }}
            >
              {xLabels[column.index]}
            </div>
          ))}
        </div>
        {shownRows.map((row) => (
          <div key={row.index} role="row" className="grid-table__row" aria-rowindex={line(row.index)}>
            <div
              role="rowheader"
              className="grid-table__label grid-table__label--row"
              aria-colindex={1}
              title={yLabels?.[row.index]}
              style={{ gridRow: line(row.index), gridColumn: 1 }}
            >
              {yLabels?.[row.index] ?? ''}
            </div>
            {shownColumns.map((column) => {
              const place = rows[row.index]?.[column.index]
              return (
                <div key={column.index} role="cell" className="grid-table__td" aria-colindex={line(column.index)} style={{ gridRow: line(row.index), gridColumn: line(column.index) }}>
                  {place !== undefined && (
                    <GridCellView
                      gridId={gridId}
                      index={place.index}
                      runId={place.runId}
                      xLabel={`${xName} ${xLabels[column.index] ?? ''}`}
                      yLabel={yName !== null ? `${yName} ${yLabels?.[row.index] ?? ''}` : ''}
                      onOpen={onOpen}
                    />
                  )}
                </div>
              )
            })}
          </div>
        ))}
      </div>
    </div>
  )
})

interface CellState {
  run: Run | undefined
  cell: GridCell | undefined
  ofRun: Output | undefined
  byId: Output | undefined
}

/** What a cell shows, as one selection that keeps its last answer while its four parts are the same ones. */
function cellSelector(gridId: string, index: number, runId: string): (s: CourierState) => CellState {
  let last: CellState | null = null
  const runOf = runById(runId)
  const outputOf = firstOutputOfRun(runId, gridId)
  return (s) => {
    const cell = s.grids.byId[gridId]?.cells[index]
    const run = runOf(s)
    const ofRun = outputOf(s)
    const byId = outputById(cell?.outputId ?? null)(s)
    if (last !== null && last.run === run && last.cell === cell && last.ofRun === ofRun && last.byId === byId) return last
    last = { run, cell, ofRun, byId }
    return last
  }
}

/** An output found by the cell's `outputId`, if it is the cell's run's. */
const gridOutput = (output: Output | undefined, runId: string): Output | undefined => (output?.runId === runId ? output : undefined)

const runTime = (run: Run): string | null => (run.finishedAt !== null ? formatDuration(Math.max(0, run.finishedAt - run.createdAt)) : null)

/** One cell: its output (a button to the lightbox), or what became of its run; then its time and cost. */
const GridCellView = memo(function GridCellView({
  gridId,
  index,
  runId,
  xLabel,
  yLabel,
  onOpen,
}: {
  gridId: string
  index: number
  runId: string
  xLabel: string
  yLabel: string
  onOpen(id: OutputId): void
}) {
  // One subscription per cell shown: its run, the grid's word on it (for a run not among those loaded, as in an
  // older grid), and its output; compared part by part, so only a change re-renders it.
  const select = useMemo(() => cellSelector(gridId, index, runId), [gridId, index, runId])
  const { run, cell, ofRun, byId } = useCourier(select)
  const output = ofRun ?? gridOutput(byId, runId)
  const status = run?.status ?? cell?.status ?? 'queued'
  const name = [xLabel, yLabel].filter((s) => s.trim() !== '').join(', ')
  const moving = !isTerminal(status)
  return (
    <div className={`grid-cell grid-cell--${status}`} data-run-id={runId} data-status={status}>
      {output !== undefined ? (
        <button type="button" className="grid-cell__thumb" data-output-id={output.id} aria-label={`Open the cell ${name}`} onClick={() => onOpen(output.id)}>
          <MediaThumb output={output} />
        </button>
      ) : (
        <div className="grid-cell__thumb grid-cell__thumb--empty">
          <span className="grid-cell__state">
            {status === 'succeeded' ? (run?.outputs === 'pending' ? 'Saving…' : 'No output') : statusLabel[status]}
            {moving && run !== undefined && run.progress > 0 && ` ${Math.round(run.progress * 100)}%`}
          </span>
          {/* Only running cells have a bar: queued cells animating would cost every frame. */}
          {status === 'running' && <ProgressBar value={run?.progress ?? 0} label={`Progress of the cell ${name}`} />}
        </div>
      )}
      {run?.error != null && failedStatus(status) && status !== 'cancelled' && (
        <p className="grid-cell__error" title={run.error.message}>
          {run.error.message}
        </p>
      )}
      {run !== undefined && isTerminal(status) && (
        <p className="grid-cell__facts">
          {runTime(run) !== null && <span className="grid-cell__time">{runTime(run)}</span>}
          <RunCost run={run} className="grid-cell__cost" />
        </p>
      )}
    </div>
  )
})
