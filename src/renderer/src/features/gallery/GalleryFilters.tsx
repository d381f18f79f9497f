import { SegmentedFilter } from '../../components/SegmentedFilter'
import { memo, useEffect, useRef, useState } from 'react'
import { OutputKind, OutputSource } from '@shared/output'
import { ProviderId } from '@shared/run'
import { formatCount, shortId } from '../../components/format'
import { providerName } from '../../components/Lightbox'
import { SearchBox } from '../../components/SearchBox'
import { useCourier } from '../../store/context'
import { dateRanges, isFiltered, type GalleryFilter } from '../../store/gallery-query'

const kindPlural: Record<OutputKind, string> = { image: 'Images', video: 'Videos', audio: 'Audio', text: 'Text', file: 'Files' }
const sourceLabel: Record<OutputSource, string> = { generated: 'Made here', imported: 'Imported' }

const withCount = (label: string, count: number | undefined): string => (count === undefined ? label : `${label} (${formatCount(count)})`)

/** How many of the menu's filters are set (the search and the batch chip show on their own). */
export const menuFilterCount = (f: GalleryFilter): number =>
  [f.provider !== null, f.deploymentId !== null, f.kind !== null, f.source !== null, f.favourite, f.range !== 'all'].filter(Boolean).length

/**
 * The gallery's filter bar: search box, provider, deployment, kind, favourites, date range, and the batch
 * chosen from a tile. Menus offer what the library holds (`outputs.facets`), with counts.
 */
export const GalleryFilters = memo(function GalleryFilters() {
  const filter = useCourier((s) => s.outputs.filter)
  const facets = useCourier((s) => s.outputs.facets)
  const busy = useCourier((s) => s.outputs.searchPending || s.outputs.resultsStatus === 'loading')
  const setFilter = useCourier((s) => s.outputs.setFilter)
  const clearFilters = useCourier((s) => s.outputs.clearFilters)
  const loadGallery = useCourier((s) => s.outputs.loadGallery)

  const providerCount = (p: ProviderId) => facets?.providers.find((x) => x.id === p)?.count
  const providers = ProviderId.options.filter((p) => facets === null || (providerCount(p) ?? 0) > 0 || filter.provider === p)
  const deployments = (facets?.deployments ?? [])
    .filter((d) => filter.provider === null || d.provider === filter.provider)
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
  const chosenDeploymentListed = filter.deploymentId === null || deployments.some((d) => d.id === filter.deploymentId)
  const kindCount = (k: OutputKind) => facets?.kinds.find((x) => x.kind === k)?.count
  const kinds = OutputKind.options.filter((k) => facets === null || (kindCount(k) ?? 0) > 0 || filter.kind === k)
  const sourceCount = (x: OutputSource) => facets?.sources?.find((y) => y.source === x)?.count
  // Shown once the library holds imported files (or the filter is set): until then everything is made here.
  const showSources = filter.source !== null || (sourceCount('imported') ?? 0) > 0
  // In a narrow window the menus fold behind "Filters" (CSS decides when; this is whether it is open).
  const [open, setOpen] = useState(false)
  const toggleRef = useRef<HTMLButtonElement>(null)
  const menuRef = useRef<HTMLDivElement>(null)
  const chosen = menuFilterCount(filter)
  useEffect(() => {
    if (!open) return
    const outside = (e: PointerEvent) => {
      const t = e.target as Node
      if (!menuRef.current?.contains(t) && !toggleRef.current?.contains(t)) setOpen(false)
    }
    document.addEventListener('pointerdown', outside)
    return () => document.removeEventListener('pointerdown', outside)
  }, [open])

  return (
    <form
      className="filters gallery-filters"
      role="search"
      aria-label="Filter outputs"
      onSubmit={(e) => {
        // Enter searches at once, without waiting for the pause in typing (the search box takes its own
        // Enter before this; other fields submit here).
        e.preventDefault()
        void loadGallery()
      }}
    >
      <SearchBox
        label="Search outputs"
        placeholder="Search prompts, deployments, files…"
        value={filter.search}
        onChange={(search) => setFilter({ search })}
        onEnter={() => void loadGallery()}
        busy={busy}
        busyLabel="Searching"
      />
      <button
        ref={toggleRef}
        type="button"
        className="btn btn--small gallery-filters__toggle"
        aria-expanded={open}
        aria-controls="gallery-filter-menu"
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">☰</span> Filters
        {chosen > 0 && (
          <span className="segmented__count">
            {chosen}
            <span className="visually-hidden"> chosen</span>
          </span>
        )}
      </button>
      <div
        ref={menuRef}
        id="gallery-filter-menu"
        className="gallery-filters__menu"
        data-open={open}
        onKeyDown={(e) => {
          if (e.key !== 'Escape' || !open) return
          e.preventDefault()
          e.stopPropagation()
          setOpen(false)
          toggleRef.current?.focus()
        }}
      >
        <select
          className="input select filters__provider"
          aria-label="Filter by provider"
          value={filter.provider ?? ''}
          onChange={(e) => setFilter({ provider: e.target.value === '' ? null : ProviderId.parse(e.target.value) })}
        >
          <option value="">{withCount('All providers', facets?.providers.reduce((n, p) => n + p.count, 0))}</option>
          {providers.map((p) => (
            <option key={p} value={p}>
              {withCount(providerName[p], providerCount(p))}
            </option>
          ))}
        </select>
        <select
          className="input select filters__deployment"
          aria-label="Filter by deployment"
          value={filter.deploymentId ?? ''}
          onChange={(e) => setFilter({ deploymentId: e.target.value === '' ? null : e.target.value })}
        >
          <option value="">All deployments</option>
          {deployments.map((d) => (
            <option key={`${d.provider}/${d.id}`} value={d.id}>
              {withCount(d.name, d.count)}
              {filter.provider === null && providers.length > 1 ? ` — ${providerName[d.provider]}` : ''}
            </option>
          ))}
          {!chosenDeploymentListed && filter.deploymentId !== null && <option value={filter.deploymentId}>{filter.deploymentId}</option>}
        </select>
        <SegmentedFilter
          label="Kind"
          allLabel="All kinds"
          options={kinds}
          value={filter.kind}
          onChange={(kind) => setFilter({ kind })}
          nameOf={(k) => kindPlural[k]}
          countOf={(k) => (kindCount(k) === undefined ? undefined : formatCount(kindCount(k) ?? 0))}
          attribute="data-kind-filter"
        />
        {showSources && (
          <SegmentedFilter
            label="Source"
            allLabel="All"
            options={OutputSource.options}
            value={filter.source}
            onChange={(source) => setFilter({ source })}
            nameOf={(x) => sourceLabel[x]}
            countOf={(x) => (sourceCount(x) === undefined ? undefined : formatCount(sourceCount(x) ?? 0))}
            attribute="data-source-filter"
          />
        )}
        <button
          type="button"
          className={`btn btn--small filters__fav${filter.favourite ? ' filters__fav--on' : ''}`}
          aria-pressed={filter.favourite}
          onClick={() => setFilter({ favourite: !filter.favourite })}
        >
          <span aria-hidden="true">{filter.favourite ? '★' : '☆'}</span> Favourites only
          {facets !== null && <span className="segmented__count">{formatCount(facets.favourites)}</span>}
        </button>
        <div className="segmented" role="group" aria-label="Date">
          {dateRanges.map((r) => (
            <button key={r.id} type="button" className="segmented__item" aria-pressed={filter.range === r.id} data-range={r.id} onClick={() => setFilter({ range: r.id })}>
              {r.label}
            </button>
          ))}
        </div>
      </div>
      {filter.batchId !== null && (
        <span className="chip" data-batch-filter={filter.batchId}>
          Batch <code>{shortId(filter.batchId)}</code>
          <button type="button" className="chip__remove" aria-label="Remove the batch filter" onClick={() => setFilter({ batchId: null })}>
            ×
          </button>
        </span>
      )}
      {filter.gridId !== null && (
        <span className="chip" data-grid-filter={filter.gridId}>
          Grid <code>{shortId(filter.gridId)}</code>
          <button type="button" className="chip__remove" aria-label="Remove the grid filter" onClick={() => setFilter({ gridId: null })}>
            ×
          </button>
        </span>
      )}
      {isFiltered(filter) && (
        <button type="button" className="link link--small" onClick={clearFilters}>
          Clear filters
        </button>
      )}
    </form>
  )
})
