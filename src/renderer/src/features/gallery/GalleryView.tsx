import { useCallback, useState } from 'react'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice } from '../../components/ErrorNotice'
import { MediaThumb } from '../../components/MediaThumb'
import { OutputViewer } from '../../components/OutputViewer'
import { formatClock } from '../../components/format'
import { useCourier } from '../../store/context'

export function GalleryView() {
  const all = useCourier((s) => s.outputs.items)
  const results = useCourier((s) => s.outputs.results)
  const query = useCourier((s) => s.outputs.query)
  const searching = useCourier((s) => s.outputs.searching)
  const searchError = useCourier((s) => s.outputs.searchError)
  const loadError = useCourier((s) => s.outputs.error)
  const setQuery = useCourier((s) => s.outputs.setQuery)
  const search = useCourier((s) => s.outputs.search)
  const reload = useCourier((s) => s.outputs.load)
  const go = useCourier((s) => s.nav.go)
  // Held by id, so outputs arriving while the viewer is open do not change what it shows.
  const [openId, setOpenId] = useState<string | null>(null)
  const close = useCallback(() => setOpenId(null), [])

  const shown = results ?? all
  const filtering = query.trim() !== ''
  const openIndex = openId === null ? -1 : shown.findIndex((o) => o.id === openId)
  if (openId !== null && openIndex < 0) setOpenId(null)

  return (
    <section className="view" aria-labelledby="gallery-title">
      <header className="view__head">
        <div>
          <h1 id="gallery-title" className="view__title">
            Gallery
          </h1>
          <p className="view__sub">
            {all.length === 0 ? 'Every output is saved to your library folder.' : `${all.length} saved output${all.length === 1 ? '' : 's'} in your library.`}
          </p>
        </div>
        <form
          className="search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault()
            void search(query)
          }}
        >
          <input
            className="input search__input"
            type="search"
            aria-label="Search outputs"
            placeholder="Search prompts, deployments, files…"
            value={query}
            maxLength={200}
            onChange={(e) => setQuery(e.target.value)}
          />
          {searching && <span className="spinner spinner--small search__spinner" aria-label="Searching" />}
        </form>
      </header>
      {loadError && <ErrorNotice error={loadError} onRetry={() => void reload()} />}
      {searchError && <ErrorNotice error={searchError} live />}
      {shown.length === 0 ? (
        filtering ? (
          searching ? null : (
            <EmptyState title={`Nothing matches “${query.trim()}”.`}>Try fewer or different words, or clear the search.</EmptyState>
          )
        ) : (
          <EmptyState
            title="Nothing saved yet. Generate something and it will appear here."
            action={
              <button type="button" className="btn btn--primary" onClick={() => go('generate')}>
                Go to Generate
              </button>
            }
          />
        )
      ) : (
        <ul className="gallery" aria-label={filtering ? 'Search results' : 'Saved outputs'}>
          {shown.map((o) => (
            <li key={o.id}>
              <button type="button" className="tile" data-output-id={o.id} onClick={() => setOpenId(o.id)}>
                <span className="tile__media">
                  <MediaThumb output={o} />
                </span>
                <span className="tile__caption">
                  <span className="tile__prompt" title={o.prompt}>
                    {o.prompt || o.deploymentName}
                  </span>
                  <span className="tile__meta muted">
                    {o.deploymentName} · {formatClock(o.createdAt)}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {openIndex >= 0 && (
        <OutputViewer outputs={shown} index={openIndex} onIndexChange={(i) => setOpenId(shown[i]?.id ?? null)} onClose={close} />
      )}
    </section>
  )
}
