import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Output, OutputId } from '@shared/output'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatCount } from '../../components/format'
import { Lightbox } from '../../components/Lightbox'
import { ViewHeader } from '../../components/ViewHeader'
import { ARCHIVE_MAX_FILES, archiveUrl } from '../../api/media-url'
import { Icon } from '../../components/Icon'
import { useCourier, useCourierClient } from '../../store/context'
import { exactCount, isFiltered, type GalleryFilter } from '../../store/gallery-query'
import { ExportDialog, exportedText } from './ExportDialog'
import { COMPARE_MAX, COMPARE_MIN, CompareView } from '../compare/CompareView'
import { densities, loadDensity, minTileOf, pageStorage, saveDensity, type Density } from './density'
import { GalleryFilters } from './GalleryFilters'
import { GalleryGrid, type GridHandle, type SelectMode } from './GalleryGrid'

const plural = (n: number, one: string, many = `${one}s`) => (n === 1 ? one : many)

/** "10,000 outputs", "1 output matches", "42 outputs match", "200+ outputs match": what is known of the list shown. */
export function countText(shown: number, exact: number | null, hasMore: boolean, filtered: boolean): string {
  const n = exact ?? shown
  const more = exact === null && hasMore
  const amount = `${formatCount(n)}${more ? '+' : ''} ${plural(n, 'output')}`
  if (!filtered) return amount
  return `${amount} ${n === 1 && !more ? 'matches' : 'match'}`
}

function Empty({ filter, onClear, onGenerate }: { filter: GalleryFilter; onClear(): void; onGenerate(): void }) {
  const clear = (
    <button type="button" className="btn" onClick={onClear}>
      Clear filters
    </button>
  )
  if (!isFiltered(filter)) {
    return (
      <EmptyState
        title="Nothing saved yet. Generate something and it will appear here."
        action={
          <button type="button" className="btn btn--primary" onClick={onGenerate}>
            Go to Generate
          </button>
        }
      />
    )
  }
  const search = filter.search.trim()
  if (search !== '') {
    return (
      <EmptyState title={`Nothing matches “${search}”.`} action={clear}>
        Try fewer or different words (each word matches the start of a word in a prompt, deployment or file name), or clear the search.
      </EmptyState>
    )
  }
  if (filter.favourite && Object.entries(filter).every(([k, v]) => k === 'favourite' || v === null || v === '' || v === 'all')) {
    return (
      <EmptyState title="No favourites yet." action={clear}>
        Star an output (☆ on its tile, the Favourite button in the large view, or F) to find it here.
      </EmptyState>
    )
  }
  if (filter.batchId !== null) {
    return <EmptyState title="This batch has no saved outputs yet." action={clear}>They appear here as its runs finish.</EmptyState>
  }
  if (filter.gridId !== null) {
    return <EmptyState title="This grid has no saved outputs yet." action={clear}>They appear here as its cells finish.</EmptyState>
  }
  return (
    <EmptyState title="No outputs match these filters." action={clear}>
      Widen the date range or pick another provider, deployment or kind.
    </EmptyState>
  )
}

export function GalleryView() {
  const results = useCourier((s) => s.outputs.results)
  const status = useCourier((s) => s.outputs.resultsStatus)
  const error = useCourier((s) => s.outputs.resultsError)
  const hasMore = useCourier((s) => s.outputs.hasMore)
  const loadingMore = useCourier((s) => s.outputs.loadingMore)
  const moreError = useCourier((s) => s.outputs.moreError)
  const filter = useCourier((s) => s.outputs.filter)
  const client = useCourierClient()
  const desktop = useCourier((s) => s.app.info?.mode === 'electron')
  const facets = useCourier((s) => s.outputs.facets)
  const facetsQuery = useCourier((s) => s.outputs.facetsQuery)
  const searchPending = useCourier((s) => s.outputs.searchPending)
  const query = useCourier((s) => s.outputs.query)
  const listKey = useMemo(() => JSON.stringify(query), [query])
  const { loadGallery, loadFacets, loadMore, setFilter, clearFilters, setFavourite, remove } = useCourier((s) => s.outputs)
  const toast = useCourier((s) => s.toasts.show)
  const failed = useCourier((s) => s.toasts.failure)
  const go = useCourier((s) => s.nav.go)
  const gridRef = useRef<GridHandle>(null)
  // Held by id, so outputs arriving while the lightbox is open do not change what it shows.
  const [openId, setOpenId] = useState<OutputId | null>(null)
  const [selected, setSelected] = useState<ReadonlySet<OutputId>>(new Set())
  const [anchor, setAnchor] = useState<number | null>(null)
  const [trashing, setTrashing] = useState<readonly OutputId[] | null>(null)
  const [deleting, setDeleting] = useState(false)
  const [exporting, setExporting] = useState<readonly OutputId[] | null>(null)
  const [comparing, setComparing] = useState<readonly Output[] | null>(null)
  const [density, setDensity] = useState<Density>(() => loadDensity(pageStorage()))
  const chooseDensity = (d: Density) => {
    setDensity(d)
    saveDensity(pageStorage(), d)
  }

  useEffect(() => {
    // A first visit loads the list (and its counts with it); a later one refreshes the counts.
    if (status === 'idle') void loadGallery()
    else void loadFacets()
    // Once per visit: the list is kept between visits; the counts are refreshed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // The desktop shell asked for an output (a notification was clicked): it is shown once it is listed. A
  // filter that hides it is cleared; one older than the pages loaded is fetched and shown on its own.
  const pending = useCourier((s) => s.nav.pendingOutput)
  const clearPending = useCourier((s) => s.nav.clearPendingOutput)
  const getOutput = useCourier((s) => s.outputs.get)
  const [alone, setAlone] = useState<Output | null>(null)
  const pendingListed = pending !== null && results.some((o) => o.id === pending)
  const pendingReady = pending !== null && (pendingListed || alone?.id === pending)
  useEffect(() => {
    if (pending === null || pendingListed || alone?.id === pending || status !== 'loaded') return
    if (isFiltered(filter)) {
      clearFilters()
      return
    }
    void getOutput(pending).then((res) => {
      if (res.ok) setAlone(res.value)
      else {
        clearPending()
        failed('Could not show that output', res.error)
      }
    })
  }, [pending, pendingListed, alone, status, filter, clearFilters, clearPending, getOutput, failed])
  const shownId = pendingReady ? pending : openId
  const navigate = useCallback(
    (id: OutputId) => {
      clearPending()
      setOpenId(id)
    },
    [clearPending],
  )

  const close = useCallback(
    (shown: OutputId | null) => {
      setOpenId(null)
      setAlone(null)
      clearPending()
      gridRef.current?.focusOutput(shown)
    },
    [clearPending],
  )
  const noReturn = useCallback(() => null, [])
  const loadMoreNow = useCallback(() => void loadMore(), [loadMore])
  const favourite = useCallback(
    async (o: Output) => {
      const res = await setFavourite(o.id, !o.favourite)
      if (!res.ok) failed('Could not change the favourite', res.error)
    },
    [setFavourite, failed],
  )
  const onFavourite = useCallback((o: Output) => void favourite(o), [favourite])
  const onBatch = useCallback((batchId: string) => setFilter({ batchId }), [setFilter])
  const onDelete = useCallback(
    (focused: Output) => {
      const chosen = results.filter((o) => selected.has(o.id)).map((o) => o.id)
      setTrashing(chosen.length > 0 ? chosen : [focused.id])
    },
    [results, selected],
  )

  const onSelect = useCallback(
    (index: number, mode: SelectMode) => {
      const id = results[index]?.id
      if (mode === 'none') setSelected(new Set())
      else if (mode === 'all') setSelected(new Set(results.map((o) => o.id)))
      else if (id !== undefined && mode === 'range' && anchor !== null) {
        const [a, b] = anchor < index ? [anchor, index] : [index, anchor]
        setSelected((old) => new Set([...old, ...results.slice(a, b + 1).map((o) => o.id)]))
      } else if (id !== undefined) {
        setSelected((old) => {
          const next = new Set(old)
          if (next.has(id)) next.delete(id)
          else next.add(id)
          return next
        })
      }
      if (mode === 'toggle' || mode === 'range') setAnchor(index)
    },
    [results, anchor],
  )

  const confirmTrash = async () => {
    if (trashing === null) return
    setDeleting(true)
    const res = await remove(trashing)
    setDeleting(false)
    setTrashing(null)
    if (res.ok) {
      const n = res.value.deleted
      setSelected((old) => new Set([...old].filter((id) => !trashing.includes(id))))
      toast({ tone: 'info', text: `Moved ${n === 1 ? 'one output' : `${formatCount(n)} outputs`} to the trash.` })
      gridRef.current?.focusOutput(null)
    } else {
      failed('Could not delete', res.error)
    }
  }

  const filtered = isFiltered(filter)
  const exact = exactCount(facets, facetsQuery, query)
  const loading = status === 'loading' || status === 'idle'
  const empty = results.length === 0
  const selectedCount = results.reduce((n, o) => n + (selected.has(o.id) ? 1 : 0), 0)
  const selectionZip = selectedCount > 0 ? archiveUrl(client, { ids: results.filter((o) => selected.has(o.id)).map((o) => o.id) }) : null
  const batchZip = filter.batchId !== null ? archiveUrl(client, { batchId: filter.batchId }) : null

  return (
    <section className="view view--gallery" aria-labelledby="gallery-title">
      <ViewHeader
        id="gallery-title"
        title="Gallery"
        sub={
          facets === null || facets.total === 0
            ? 'Every output is saved to your library folder.'
            : `${formatCount(facets.total)} saved ${plural(facets.total, 'output')} in your library.`
        }
      />
      {!empty && (
        // Past the filter bar in one key press; `/` goes to the search box.
        <a
          className="skip-link"
          href="#gallery-grid"
          onClick={(e) => {
            e.preventDefault()
            gridRef.current?.focusOutput(null)
          }}
        >
          Skip to the outputs
        </a>
      )}
      <GalleryFilters />
      <div className="gallery-status">
        <p className="gallery-status__count" role="status" aria-live="polite" data-loaded={results.length}>
          {loading && empty ? 'Loading outputs…' : countText(results.length, exact, hasMore, filtered || filter.search.trim() !== '')}
          {searchPending && ' · searching…'}
        </p>
        {batchZip !== null && selectedCount === 0 && (
          <a className="btn btn--small" href={batchZip} download>
            <Icon name="download" size={16} />
            Download the batch as a ZIP
          </a>
        )}
        {selectedCount > 0 && (
          <div className="selection-bar" role="group" aria-label="Selection">
            <span>{formatCount(selectedCount)} selected</span>
            <button
              type="button"
              className="btn btn--small"
              disabled={selectedCount < COMPARE_MIN || selectedCount > COMPARE_MAX}
              title={selectedCount < COMPARE_MIN || selectedCount > COMPARE_MAX ? `Select ${COMPARE_MIN} to ${COMPARE_MAX} outputs to compare them` : 'Side by side, zoom and pan together'}
              aria-describedby={selectedCount < COMPARE_MIN || selectedCount > COMPARE_MAX ? 'compare-why' : undefined}
              onClick={() => setComparing(results.filter((o) => selected.has(o.id)))}
            >
              Compare
            </button>
            {(selectedCount < COMPARE_MIN || selectedCount > COMPARE_MAX) && (
              <span id="compare-why" className="visually-hidden">
                Compare takes {COMPARE_MIN} to {COMPARE_MAX} outputs.
              </span>
            )}
            {selectionZip !== null ? (
              <a className="btn btn--small" href={selectionZip} download>
                <Icon name="download" size={16} />
                Download as ZIP
              </a>
            ) : (
              !desktop &&
              selectedCount > ARCHIVE_MAX_FILES && <span className="muted">A ZIP holds at most {formatCount(ARCHIVE_MAX_FILES)} outputs: select fewer to download them.</span>
            )}
            <button type="button" className="btn btn--small" onClick={() => setExporting(results.filter((o) => selected.has(o.id)).map((o) => o.id))}>
              Export…
            </button>
            <button type="button" className="btn btn--small btn--danger-ghost" onClick={() => setTrashing(results.filter((o) => selected.has(o.id)).map((o) => o.id))}>
              Move to trash…
            </button>
            <button type="button" className="btn btn--small btn--ghost" onClick={() => setSelected(new Set())}>
              Clear selection
            </button>
          </div>
        )}
        <div className="segmented segmented--small gallery-density" role="group" aria-label="Tile size">
          {densities.map((d) => (
            <button key={d.id} type="button" className="segmented__item" aria-pressed={density === d.id} data-density={d.id} onClick={() => chooseDensity(d.id)}>
              {d.label}
            </button>
          ))}
        </div>
      </div>
      {error && <ErrorNotice error={error} live onRetry={() => void loadGallery()} />}
      {empty ? (
        loading ? (
          <div className="loading" aria-hidden="true">
            <span className="spinner" />
          </div>
        ) : error ? null : (
          <Empty filter={filter} onClear={clearFilters} onGenerate={() => go('generate')} />
        )
      ) : (
        <GalleryGrid
          ref={gridRef}
          outputs={results}
          listKey={listKey}
          label={filtered ? 'Matching outputs' : 'Saved outputs'}
          minTile={minTileOf(density)}
          busy={status === 'loading'}
          hasMore={hasMore}
          canLoadMore={!loadingMore && moreError === null}
          onLoadMore={loadMoreNow}
          selected={selected}
          onSelect={onSelect}
          onOpen={setOpenId}
          onFavourite={onFavourite}
          onBatch={onBatch}
          onDelete={onDelete}
        />
      )}
      {(loadingMore || moreError) && (
        <div className="gallery-more">
          {loadingMore && (
            <span className="muted" role="status">
              <span className="spinner spinner--small" aria-hidden="true" /> Loading more…
            </span>
          )}
          {moreError && <ErrorNotice error={moreError} className="notice--compact" onRetry={loadMoreNow} />}
        </div>
      )}
      {shownId !== null && (
        <Lightbox
          outputs={alone !== null && alone.id === shownId ? [alone] : results}
          openId={shownId}
          onNavigate={navigate}
          onClose={close}
          hasMore={hasMore}
          onNearEnd={loadMoreNow}
          returnFocus={noReturn}
          onFilterBatch={onBatch}
        />
      )}
      {comparing !== null && <CompareView outputs={comparing} onClose={() => setComparing(null)} />}
      {exporting !== null && (
        <ExportDialog
          ids={exporting}
          onClose={() => setExporting(null)}
          onDone={(result) => {
            setExporting(null)
            toast({ tone: result.exported.length === 0 ? 'error' : 'info', text: exportedText(result) })
          }}
        />
      )}
      {trashing !== null && (
        <ConfirmDialog
          title={trashing.length === 1 ? 'Move this output to the trash?' : `Move ${formatCount(trashing.length)} outputs to the trash?`}
          confirmLabel="Move to trash"
          danger
          busy={deleting}
          onConfirm={() => void confirmTrash()}
          onCancel={() => setTrashing(null)}
        >
          <p>The files go to your system’s trash, where you can still restore them. Their runs stay in Runs.</p>
        </ConfirmDialog>
      )}
    </section>
  )
}
