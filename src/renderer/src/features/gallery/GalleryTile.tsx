import { memo, type MouseEvent } from 'react'
import type { Output } from '@shared/output'
import { formatMediaDuration, formatTime, formatWhen, shortId } from '../../components/format'
import { useMinuteNow } from '../../components/useNow'
import { Icon } from '../../components/Icon'
import { extension, kindLabel, MediaThumb, outputAlt } from '../../components/MediaThumb'
import { outputDragProps } from '../../components/output-drag'
import { useCourier } from '../../store/context'

interface Props {
  output: Output
  index: number
  column: number
  /** The tile the arrow keys are on: the only one Tab reaches (roving tabindex). */
  active: boolean
  selected: boolean
  /** The grid is being flung: a tile mounted meanwhile waits with its picture until the grid slows down. */
  deferMedia: boolean
  onActivate(index: number, e: MouseEvent<HTMLButtonElement>): void
  onFocusTile(index: number): void
  onFavourite(output: Output): void
  onBatch(batchId: string): void
}

/** One output in the grid: its preview (opens the lightbox), a star, and its batch chip. */
export const GalleryTile = memo(function GalleryTile({ output: o, index, column, active, selected, deferMedia, onActivate, onFocusTile, onFavourite, onBatch }: Props) {
  const tab = active ? 0 : -1
  const now = useMinuteNow()
  const showGrid = useCourier((s) => s.nav.showGrid)
  const alt = outputAlt(o)
  const length = (o.kind === 'video' || o.kind === 'audio') && o.durationMs !== null ? `, ${formatMediaDuration(o.durationMs)}` : ''
  // A WebM and an MP4 of one run look alike: the format tells them apart (files show it on their icon).
  const format = o.kind === 'file' || o.kind === 'text' ? null : extension(o.path)
  const seed = o.seed === null ? '' : `Seed ${o.seed} · `
  return (
    <div role="gridcell" aria-colindex={column + 1} aria-selected={selected} className={`tile-cell${selected ? ' tile-cell--selected' : ''}`}>
      <button
        type="button"
        className="tile"
        data-output-id={o.id}
        data-index={index}
        tabIndex={tab}
        aria-label={`${alt} (${kindLabel[o.kind]}${format === null ? '' : `, ${format}`}${length}${o.missing ? ', missing' : ''})`}
        onClick={(e) => onActivate(index, e)}
        onFocus={() => onFocusTile(index)}
        {...outputDragProps(o)}
      >
        <span className="tile__media">
          <MediaThumb output={o} defer={deferMedia} />
          {format !== null && (
            <span className="tile__format" aria-hidden="true">
              {format}
            </span>
          )}
          {o.missing && (
            <span className="tile__missing badge badge--rejected" title="The file is no longer in its folder" aria-hidden="true">
              Missing
            </span>
          )}
        </span>
        <span className="tile__caption">
          <span className="tile__prompt" title={o.prompt}>
            {o.prompt || o.deploymentName}
          </span>
          <span className="tile__meta muted" title={`${seed}${formatTime(o.createdAt)} · ${o.deploymentName}`}>
            {seed}
            {formatWhen(o.createdAt, now)} · {o.deploymentName}
          </span>
        </span>
      </button>
      <button
        type="button"
        className={`tile__star${o.favourite ? ' tile__star--on' : ''}`}
        aria-pressed={o.favourite}
        aria-label="Favourite"
        title={o.favourite ? 'Remove from favourites (F)' : 'Add to favourites (F)'}
        tabIndex={tab}
        onClick={() => onFavourite(o)}
      >
        <Icon name="star" filled={o.favourite} size={16} />
      </button>
      {o.batchId !== null && (
        <button
          type="button"
          className="tile__batch"
          aria-label={`Only batch ${shortId(o.batchId)}`}
          title="Show only this batch"
          tabIndex={tab}
          onClick={() => o.batchId !== null && onBatch(o.batchId)}
        >
          Batch
        </button>
      )}
      {o.gridId != null && (
        <a
          href={`#/grids/${o.gridId}`}
          className="tile__batch tile__grid"
          aria-label={o.runId === null ? `Open the grid this image shows (${shortId(o.gridId)})` : `Open the grid of this cell (${shortId(o.gridId)})`}
          title={o.runId === null ? 'The grid image: open its grid' : 'A cell of a grid: open the grid'}
          tabIndex={tab}
          onClick={(e) => {
            if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0 || o.gridId == null) return
            e.preventDefault()
            showGrid(o.gridId)
          }}
        >
          Grid
        </a>
      )}
      {selected && (
        <span className="tile__check" aria-hidden="true">
          ✓
        </span>
      )}
    </div>
  )
})
