import { forwardRef, memo, useCallback, useEffect, useImperativeHandle, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { Output, OutputId } from '@shared/output'
import { useScrollBoxRect } from '../../components/scroll-box-rect'
import { shortcutFor } from '../../keyboard/shortcuts'
import { GalleryTile } from './GalleryTile'

export const GAP = 16
/** The caption under each square preview (fixed in CSS: `.tile__caption`). */
export const CAPTION = 54
/** Asks for the next page while the last rows loaded are this close to being shown. */
const NEAR_END_ROWS = 8
/**
 * On two scroll events running, each this far from the last (px) or at this speed (px per ms: 1,500 px/s,
 * two screens a second), the grid is flung: tiles that come into view meanwhile show an empty preview
 * instead of loading, decoding and painting a picture that is gone again a few frames later (that work
 * made the frames of a fast scroll miss their time). The distance counts on a machine too busy to scroll
 * in many small steps. A single jump (End, a click on the scrollbar) is no fling: its pictures show at once.
 */
const FLING_STEP = 100
const FLING_SPEED = 1.5
/** Scroll events further apart than this are not one motion. */
const FLING_GAP_MS = 250
/** A fling is over once the grid has not scrolled for this long: the tiles in view then load their pictures. */
const FLING_SETTLE_MS = 150

export interface GridHandle {
  /** Brings an output's tile into view and focuses it (the one the lightbox closed on); null: the active tile. */
  focusOutput(id: OutputId | null): void
}

export type SelectMode = 'toggle' | 'range' | 'all' | 'none'

interface Props {
  outputs: readonly Output[]
  /** Names the list shown (its filter): a new list starts at the top, with its first tile active. */
  listKey: string
  label: string
  /** Tiles are at least this wide (the tile size chosen); columns are as many as fit. */
  minTile: number
  /** A new list is on its way (the filter changed): the grid shows the old one meanwhile. */
  busy: boolean
  hasMore: boolean
  /** Whether asking for more now makes sense (not loading, no error shown). */
  canLoadMore: boolean
  onLoadMore(): void
  selected: ReadonlySet<OutputId>
  onSelect(index: number, mode: SelectMode): void
  onOpen(id: OutputId): void
  onFavourite(output: Output): void
  onBatch(batchId: string): void
  /** The Delete key: trash the selection (or the focused tile). */
  onDelete(focused: Output): void
}

/**
 * The gallery's grid: rows of as many columns as fit, virtualized (only the rows in view, plus a few, are
 * in the DOM), asking for the next page as the end comes near. Keyboard: arrows move focus (the ARIA grid
 * pattern, a roving tabindex), Home/End the row, Ctrl+Home/End the grid, PageUp/PageDown a screen, Enter
 * opens, Space selects, F stars, Delete trashes, Ctrl+A selects all loaded, Escape clears the selection.
 */
const Grid = forwardRef<GridHandle, Props>(function GalleryGrid(props, ref) {
  const { outputs, listKey, label, minTile, busy, hasMore, canLoadMore, onLoadMore, selected, onSelect, onOpen, onFavourite, onBatch, onDelete } = props
  const scrollRef = useRef<HTMLDivElement>(null)
  // The virtualizer measures the scroll box; the same measurement sizes the columns.
  const { rect, observeRect } = useScrollBoxRect({ width: 0, height: 0 })
  const [active, setActive] = useState(0)
  const [shownList, setShownList] = useState(listKey)
  if (shownList !== listKey) {
    setShownList(listKey)
    setActive(0)
  }
  const pendingFocus = useRef<number | null>(null)

  const width = rect.width
  const columns = Math.max(1, Math.floor((width + GAP) / (minTile + GAP)))
  const tileWidth = Math.max(0, (width - GAP * (columns - 1)) / columns)
  const rowHeight = Math.round(tileWidth + CAPTION) + GAP
  const rowCount = Math.ceil(outputs.length / columns)
  const pageRows = Math.max(1, Math.floor(rect.height / rowHeight))

  // Whether the grid is being flung (FLING_SPEED), told by its own scroll events.
  const [flung, setFlung] = useState(false)
  useEffect(() => {
    const el = scrollRef.current
    if (el === null) return
    let last = { offset: el.scrollTop, at: 0 }
    let fast = 0
    let settle: ReturnType<typeof setTimeout> | undefined
    const onScroll = () => {
      const now = { offset: el.scrollTop, at: performance.now() }
      const gap = now.at - last.at
      const step = Math.abs(now.offset - last.offset)
      fast = gap <= FLING_GAP_MS && (step >= FLING_STEP || step / Math.max(1, gap) >= FLING_SPEED) ? fast + 1 : 0
      last = now
      clearTimeout(settle)
      if (fast < 2) {
        setFlung(false)
        return
      }
      setFlung(true)
      settle = setTimeout(() => {
        fast = 0
        setFlung(false)
      }, FLING_SETTLE_MS)
    }
    el.addEventListener('scroll', onScroll, { passive: true })
    return () => {
      el.removeEventListener('scroll', onScroll)
      clearTimeout(settle)
    }
  }, [])

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 2,
    observeElementRect: observeRect,
    useFlushSync: false,
  })
  useEffect(() => {
    virtualizer.measure()
  }, [rowHeight, virtualizer])
  useEffect(() => {
    virtualizer.scrollToOffset(0)
  }, [listKey, virtualizer])

  const rows = virtualizer.getVirtualItems()
  const lastRowShown = rows[rows.length - 1]?.index ?? 0
  const activeIndex = Math.min(active, Math.max(0, outputs.length - 1))
  // The active tile scrolled out of the DOM: the grid itself takes its place in the Tab order, and hands focus on.
  const activeRow = Math.floor(activeIndex / columns)
  const activeRendered = rows.some((r) => r.index === activeRow)

  useEffect(() => {
    const near = lastRowShown >= rowCount - NEAR_END_ROWS || activeIndex >= outputs.length - columns * NEAR_END_ROWS
    if (hasMore && canLoadMore && near) onLoadMore()
  }, [lastRowShown, rowCount, activeIndex, outputs.length, columns, hasMore, canLoadMore, onLoadMore])

  // A tile asked for by the keyboard gets focus once its row is rendered.
  useEffect(() => {
    const i = pendingFocus.current
    if (i === null) return
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)
    if (el) {
      pendingFocus.current = null
      el.focus()
    }
  })

  const moveTo = (index: number) => {
    if (outputs.length === 0) return
    const i = Math.min(outputs.length - 1, Math.max(0, index))
    setActive(i)
    pendingFocus.current = i
    virtualizer.scrollToIndex(Math.floor(i / columns), { align: 'auto' })
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)
    if (el) {
      pendingFocus.current = null
      el.focus()
    }
  }

  useImperativeHandle(ref, () => ({
    focusOutput(id) {
      const i = id === null ? activeIndex : outputs.findIndex((o) => o.id === id)
      if (i >= 0) moveTo(i)
    },
  }))

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target instanceof HTMLElement ? e.target : null
    const onTile = target?.dataset.outputId !== undefined
    const current = outputs[activeIndex]
    const col = activeIndex % columns
    let next: number
    switch (shortcutFor('Gallery', e)) {
      case 'gallery.right':
        next = activeIndex + 1
        break
      case 'gallery.left':
        next = activeIndex - 1
        break
      case 'gallery.down':
        // Down from the row above a shorter last row lands on its last tile.
        next = activeIndex + columns < outputs.length ? activeIndex + columns : Math.floor(activeIndex / columns) < rowCount - 1 ? outputs.length - 1 : activeIndex
        break
      case 'gallery.up':
        next = activeIndex - columns >= 0 ? activeIndex - columns : activeIndex
        break
      case 'gallery.row-start':
        next = activeIndex - col
        break
      case 'gallery.first':
        next = 0
        break
      case 'gallery.row-end':
        next = Math.min(outputs.length - 1, activeIndex - col + columns - 1)
        break
      case 'gallery.last':
        next = outputs.length - 1
        break
      case 'gallery.page-down':
        next = Math.min(outputs.length - 1, activeIndex + columns * pageRows)
        break
      case 'gallery.page-up':
        next = Math.max(col, activeIndex - columns * pageRows)
        break
      case 'gallery.open':
        if (onTile && current) {
          e.preventDefault()
          onOpen(current.id)
        }
        return
      case 'gallery.select':
      case 'gallery.select-range':
        if (onTile) {
          e.preventDefault()
          onSelect(activeIndex, e.shiftKey ? 'range' : 'toggle')
        }
        return
      case 'gallery.clear':
        if (selected.size > 0) {
          e.preventDefault()
          onSelect(activeIndex, 'none')
        }
        return
      case 'gallery.delete':
        if (current) {
          e.preventDefault()
          onDelete(current)
        }
        return
      case 'gallery.favourite':
        if (current) {
          e.preventDefault()
          onFavourite(current)
        }
        return
      case 'gallery.select-all':
        e.preventDefault()
        onSelect(activeIndex, 'all')
        return
      default:
        return
    }
    e.preventDefault()
    moveTo(next)
  }

  // A button's Space click comes on key-up: Space selects here instead of opening.
  const onKeyUp = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === ' ' && e.target instanceof HTMLElement && e.target.dataset.outputId !== undefined) e.preventDefault()
  }

  const onActivate = useCallback(
    (index: number, e: MouseEvent<HTMLButtonElement>) => {
      setActive(index)
      const output = outputs[index]
      if (output === undefined) return
      if (e.shiftKey) onSelect(index, 'range')
      else if (e.ctrlKey || e.metaKey) onSelect(index, 'toggle')
      else onOpen(output.id)
    },
    [outputs, onSelect, onOpen],
  )
  const onFocusTile = useCallback((index: number) => setActive(index), [])

  return (
    <div
      ref={scrollRef}
      className="gallery-scroll"
      id="gallery-grid"
      role="grid"
      aria-label={label}
      aria-rowcount={rowCount}
      aria-colcount={columns}
      aria-multiselectable="true"
      aria-busy={busy}
      data-columns={columns}
      tabIndex={activeRendered ? -1 : 0}
      onFocus={(e) => {
        if (e.target === e.currentTarget && !activeRendered) moveTo(activeIndex)
      }}
      onKeyDown={onKeyDown}
      onKeyUp={onKeyUp}
    >
      <div className="gallery" role="presentation" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => (
          <GalleryRow
            key={row.key}
            outputs={outputs}
            index={row.index}
            columns={columns}
            top={row.start}
            height={rowHeight - GAP}
            activeColumn={activeRow === row.index ? activeIndex - row.index * columns : -1}
            selected={selected}
            deferMedia={flung}
            onActivate={onActivate}
            onFocusTile={onFocusTile}
            onFavourite={onFavourite}
            onBatch={onBatch}
          />
        ))}
      </div>
    </div>
  )
})

interface RowProps {
  outputs: readonly Output[]
  index: number
  columns: number
  /** Where the row starts in the grid (px). */
  top: number
  height: number
  /** The active tile's column in this row, or -1. */
  activeColumn: number
  selected: ReadonlySet<OutputId>
  deferMedia: boolean
  onActivate(index: number, e: MouseEvent<HTMLButtonElement>): void
  onFocusTile(index: number): void
  onFavourite(output: Output): void
  onBatch(batchId: string): void
}

/**
 * One row of tiles. Memoized: a scroll re-renders the grid for the rows coming and going, and the rows
 * that stay (all but one or two) are skipped whole rather than each of their tiles compared.
 */
const GalleryRow = memo(function GalleryRow({ outputs, index, columns, top, height, activeColumn, selected, deferMedia, onActivate, onFocusTile, onFavourite, onBatch }: RowProps) {
  const start = index * columns
  return (
    <div
      role="row"
      aria-rowindex={index + 1}
      className="gallery__row"
      style={{ transform: `translateY(${top}px)`, height, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
    >
      {outputs.slice(start, start + columns).map((o, c) => (
        <GalleryTile
          key={o.id}
          output={o}
          index={start + c}
          column={c}
          active={c === activeColumn}
          selected={selected.has(o.id)}
          deferMedia={deferMedia}
          onActivate={onActivate}
          onFocusTile={onFocusTile}
          onFavourite={onFavourite}
          onBatch={onBatch}
        />
      ))}
    </div>
  )
})

/** Memoized: opening and stepping through the lightbox re-renders the view, not the grid. */
export const GalleryGrid = memo(Grid)
