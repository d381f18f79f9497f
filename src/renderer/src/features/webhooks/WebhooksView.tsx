import { SegmentedFilter } from '../../components/SegmentedFilter'
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react'
import { WebhookOutcome, type WebhookRecord } from '@shared/delivery'
import { ProviderId } from '@shared/run'
import { EmptyState } from '../../components/EmptyState'
import { Modal } from '../../components/Modal'
import { ErrorNotice } from '../../components/ErrorNotice'
import { SearchBox } from '../../components/SearchBox'
import { formatTime, formatWhen, shortRunId } from '../../components/format'
import { tunnelText } from '../../components/tunnel-words'
import { ViewHeader } from '../../components/ViewHeader'
import { shortcutFor } from '../../keyboard/shortcuts'
import { useCourier } from '../../store/context'
import { emptyWebhookFilter, isFiltered } from '../../store/webhook-query'
import { useMinuteNow, useNow } from '../../components/useNow'

const providerName = { demo: 'Demo', comfydeploy: 'ComfyDeploy', runcomfy: 'RunComfy', comfyui: 'ComfyUI' } as const

/** Pretty-printed JSON when the body parses, else the body as received. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2)
  } catch {
    return body
  }
}

const isJson = (body: string): boolean => {
  try {
    JSON.parse(body)
    return true
  } catch {
    return false
  }
}

const outcomeLabel: Record<WebhookOutcome, string> = {
  applied: 'Applied',
  duplicate: 'Duplicate',
  stale: 'Stale',
  rejected: 'Rejected',
}

const outcomeHelp: Record<WebhookOutcome, string> = {
  applied: 'Moved the run forward',
  duplicate: 'Already known; changed nothing',
  stale: 'Older than what we already had; ignored',
  rejected: 'Not accepted',
}

function OutcomeBadge({ outcome }: { outcome: WebhookOutcome }) {
  return (
    <span className={`badge badge--${outcome}`} title={outcomeHelp[outcome]}>
      {outcome}
    </span>
  )
}

/** The filter bar: provider, outcome (with how many of each the list holds), and the run id / text box. */
function FilterBar({ items }: { items: WebhookRecord[] }) {
  const filter = useCourier((s) => s.webhooks.filter)
  const setFilter = useCourier((s) => s.webhooks.setFilter)
  const loading = useCourier((s) => s.webhooks.status === 'loading')
  const counts = useMemo(() => {
    const n: Record<WebhookOutcome, number> = { applied: 0, duplicate: 0, stale: 0, rejected: 0 }
    for (const w of items) n[w.outcome]++
    return n
  }, [items])

  return (
    <form className="filters" role="search" aria-label="Filter webhooks" onSubmit={(e) => e.preventDefault()}>
      <select
        className="input select filters__provider"
        aria-label="Filter by provider"
        value={filter.provider ?? ''}
        onChange={(e) => setFilter({ provider: e.target.value === '' ? null : ProviderId.parse(e.target.value) })}
      >
        <option value="">All providers</option>
        {ProviderId.options.map((p) => (
          <option key={p} value={p}>
            {providerName[p]}
          </option>
        ))}
      </select>
      {/* Counts are of the list as loaded; with one outcome chosen, the others' counts are not known. */}
      <SegmentedFilter
        label="Outcome"
        allLabel="All"
        options={WebhookOutcome.options}
        value={filter.outcome}
        onChange={(outcome) => setFilter({ outcome })}
        nameOf={(o) => outcomeLabel[o]}
        countOf={(o) => (filter.outcome === null || filter.outcome === o ? String(counts[o]) : undefined)}
        titleOf={(o) => outcomeHelp[o]}
        attribute="data-outcome-filter"
      />
      <SearchBox
        label="Search webhooks"
        placeholder="Run id, or text in the body or reason…"
        value={filter.search}
        onChange={(search) => setFilter({ search })}
        busy={loading}
        busyLabel="Loading webhooks"
      />
    </form>
  )
}

/** Below this width the list takes the whole view and a webhook opens in a drawer over it. */
export const DRAWER_QUERY = '(max-width: 1199px)'

const subscribeWidth = (onChange: () => void): (() => void) => {
  const query = typeof window.matchMedia === 'function' ? window.matchMedia(DRAWER_QUERY) : null
  query?.addEventListener('change', onChange)
  return () => query?.removeEventListener('change', onChange)
}
// Where layout is not measured (jsdom has no matchMedia) the pane sits beside the list.
const readNarrow = (): boolean => typeof window.matchMedia === 'function' && window.matchMedia(DRAWER_QUERY).matches

/** True while the window is too narrow for the list and the detail pane side by side. */
export function useNarrowWebhooks(): boolean {
  return useSyncExternalStore(subscribeWidth, readNarrow)
}

/** One webhook in full: facts, kept headers, the body, Copy and Replay; in a drawer, with Close. */
function WebhookDetail({ record, onSelect, onClose }: { record: WebhookRecord; onSelect: (id: number) => void; onClose?: () => void }) {
  const replay = useCourier((s) => s.webhooks.replay)
  const replaying = useCourier((s) => s.webhooks.replaying[record.id] === true)
  const replayError = useCourier((s) => s.webhooks.replayErrors[record.id])
  const replayed = useCourier((s) => s.webhooks.replayResults[record.id])
  const replayedShown = useCourier((s) => replayed !== undefined && s.webhooks.items.some((w) => w.id === replayed.id))
  const setFilter = useCourier((s) => s.webhooks.setFilter)
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle')
  const json = useMemo(() => isJson(record.body), [record.body])
  const body = useMemo(() => prettyBody(record.body), [record.body])
  const headers = Object.entries(record.headers)
  const titleId = `webhook-detail-title`
  // In the drawer the dialog is the landmark; beside the list the pane is a complementary region.
  const Frame = onClose ? 'div' : 'aside'

  const copyBody = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard')
      await navigator.clipboard.writeText(record.body)
      setCopy('copied')
    } catch {
      setCopy('failed')
    }
  }

  return (
    <Frame className="card inspector__detail" aria-labelledby={onClose ? undefined : titleId} data-detail-webhook-id={record.id}>
      <div className="inspector__head">
        <h2 id={titleId} className="card__title">
          Webhook #{record.id}
        </h2>
        <OutcomeBadge outcome={record.outcome} />
        <button type="button" className="btn btn--small inspector__replay" disabled={replaying} onClick={() => void replay(record.id)}>
          {replaying ? 'Replaying…' : 'Replay'}
        </button>
        {onClose && (
          <button type="button" className="btn btn--small btn--ghost" onClick={onClose}>
            Close
          </button>
        )}
      </div>
      {replayError && <ErrorNotice error={replayError} className="notice--compact" live />}
      {replayed && (
        <p className="inspector__replayed" role="status" data-replay-outcome={replayed.outcome}>
          <span>Replayed as #{replayed.id}:</span> <OutcomeBadge outcome={replayed.outcome} /> <span className="muted">{replayed.reason}</span>
          {replayedShown && (
            <button type="button" className="link link--small" onClick={() => onSelect(replayed.id)}>
              Show #{replayed.id}
            </button>
          )}
        </p>
      )}
      <dl className="facts inspector__facts">
        <dt>Received</dt>
        <dd>
          <time dateTime={new Date(record.receivedAt).toISOString()}>{formatTime(record.receivedAt)}</time>
        </dd>
        <dt>Provider</dt>
        <dd>{record.provider ? providerName[record.provider] : '—'}</dd>
        <dt>Run</dt>
        <dd>
          {record.runId ? (
            <>
              <code title={record.runId}>{shortRunId(record.runId)}</code>{' '}
              <button type="button" className="link link--small" onClick={() => setFilter({ search: record.runId ?? '' })}>
                Only this run
              </button>
            </>
          ) : (
            <span className="muted">none</span>
          )}
        </dd>
        <dt>Status</dt>
        <dd>{record.status ?? <span className="muted">—</span>}</dd>
        <dt>Outcome</dt>
        <dd>
          {record.outcome}: {record.reason}
        </dd>
        <dt>Answered</dt>
        <dd>HTTP {record.httpStatus}</dd>
        {record.replayOf !== null && (
          <>
            <dt>Replay of</dt>
            <dd>#{record.replayOf}</dd>
          </>
        )}
      </dl>
      <h3 className="section-label">Headers</h3>
      {headers.length === 0 ? (
        <p className="muted">No headers kept.</p>
      ) : (
        <dl className="facts inspector__headers" aria-label="Headers">
          {headers.map(([name, value]) => (
            <div key={name} className="inspector__header">
              <dt>
                <code>{name}</code>
              </dt>
              <dd>
                <code>{value}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}
      <div className="inspector__body-head">
        <h3 className="section-label">Body</h3>
        <span className="tag tag--muted">{json ? 'JSON' : 'raw text'}</span>
        <button type="button" className="btn btn--small btn--ghost" onClick={() => void copyBody()}>
          Copy body
        </button>
        <span className="muted inspector__copied" role="status">
          {copy === 'copied' ? 'Copied.' : copy === 'failed' ? 'Could not copy: select the text and copy it.' : ''}
        </span>
      </div>
      {/* Focusable so a long body can be scrolled from the keyboard. */}
      <pre className="code inspector__body" tabIndex={0} aria-label={`Body of webhook #${record.id}`}>
        {body}
      </pre>
    </Frame>
  )
}

export function WebhooksView() {
  const now = useMinuteNow()
  const items = useCourier((s) => s.webhooks.items)
  const status = useCourier((s) => s.webhooks.status)
  const error = useCourier((s) => s.webhooks.error)
  const filter = useCourier((s) => s.webhooks.filter)
  const query = useCourier((s) => s.webhooks.query)
  const hasMore = useCourier((s) => s.webhooks.hasMore)
  const loadingOlder = useCourier((s) => s.webhooks.loadingOlder)
  const olderError = useCourier((s) => s.webhooks.olderError)
  const load = useCourier((s) => s.webhooks.load)
  const loadOlder = useCourier((s) => s.webhooks.loadOlder)
  const setFilter = useCourier((s) => s.webhooks.setFilter)
  const tunnel = useCourier((s) => s.tunnel.status)
  // Ticks every second only while the tunnel's next try is counted down.
  const tunnelNow = useNow(tunnel?.state === 'down' && typeof tunnel.retryAt === 'number')
  // Held by id, so webhooks arriving while one is open do not change what the pane shows.
  const [selectedId, setSelectedId] = useState<number | null>(null)
  // Narrow windows: the selected webhook shows in a drawer, opened by a click or Enter (not by ↑/↓).
  const narrow = useNarrowWebhooks()
  const [drawerOpen, setDrawerOpen] = useState(false)
  const tableRef = useRef<HTMLTableElement>(null)

  // A fetch when the view opens; live updates come through the store's one event subscription.
  useEffect(() => {
    void load()
  }, [load])

  const selected = selectedId === null ? undefined : items.find((w) => w.id === selectedId)
  const filtered = isFiltered(filter)

  const rowButton = (id: number | null) =>
    id === null ? null : (tableRef.current?.querySelector<HTMLButtonElement>(`tr[data-webhook-id="${id}"] .webhook__select`) ?? null)

  /** Selects a webhook and moves focus to its row (for the arrow keys and "Show #n"); in the drawer, shows it there. */
  const select = (id: number) => {
    setSelectedId(id)
    if (!(narrow && drawerOpen)) rowButton(id)?.focus()
  }

  /** A click on a row (or Enter on its time): select it, and in a narrow window open the drawer. */
  const open = (id: number) => {
    setSelectedId(id)
    if (narrow) setDrawerOpen(true)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>) => {
    const id = shortcutFor('Webhooks', e)
    if (id === null || items.length === 0) return
    e.preventDefault()
    const at = selected === undefined ? -1 : items.indexOf(selected)
    const next =
      id === 'webhooks.first' ? 0 : id === 'webhooks.last' ? items.length - 1 : id === 'webhooks.down' ? Math.min(items.length - 1, at + 1) : Math.max(0, at - 1)
    const target = items[next]
    if (target !== undefined) select(target.id)
  }

  const summary = [
    `${items.length} webhook${items.length === 1 ? '' : 's'} shown${hasMore ? ', older ones not loaded yet' : ''}`,
    query.runId !== undefined ? `run ${query.runId}` : null,
    query.text !== undefined ? `containing “${query.text}”` : null,
  ]
    .filter((part) => part !== null)
    .join(' · ')

  return (
    <section className="view" aria-labelledby="webhooks-title">
      <ViewHeader id="webhooks-title" title="Webhooks" sub="Every callback the services sent, what it did to its run, and a Replay to send it through again.">
        <span className="tunnel-chip" data-tunnel-state={tunnel?.state ?? 'unknown'}>
          <span className={`dot dot--${tunnel?.state ?? 'unknown'}`} aria-hidden="true" />
          {tunnelText(tunnel, tunnelNow)}
        </span>
      </ViewHeader>
      <div className="filters-wrap">
        <FilterBar items={items} />
        <p className="muted filters__summary">
          {summary}
          {filtered && (
            <button type="button" className="link link--small" onClick={() => setFilter(emptyWebhookFilter)}>
              Clear filters
            </button>
          )}
        </p>
      </div>
      {error && <ErrorNotice error={error} onRetry={() => void load()} />}
      {items.length === 0 ? (
        status === 'loading' || status === 'idle' ? (
          <p className="muted" role="status">
            Loading webhooks…
          </p>
        ) : filtered ? (
          <EmptyState
            title="No webhooks match these filters."
            action={
              <button type="button" className="btn" onClick={() => setFilter(emptyWebhookFilter)}>
                Clear filters
              </button>
            }
          >
            A run id in the search box must be whole (click a run in the list to fill it in); other text is looked for in
            the body and the reason.
          </EmptyState>
        ) : (
          <EmptyState title="No webhooks received yet.">
            When you run a deployment while the public URL is up, the service calls Comfy Courier back through it and
            each call shows up here. With the tunnel off, runs are polled instead, so nothing appears — set up the tunnel
            in Settings.
          </EmptyState>
        )
      ) : (
        <div className="inspector">
          <div className="inspector__list">
            <div className="table-wrap">
              <table ref={tableRef} className="table webhooks" aria-label="Received webhooks" aria-busy={status === 'loading'} onKeyDown={onKeyDown}>
                {/* Fixed widths: every column fits, and the reason (last) takes what is left, cut short with its full text on hover. */}
                <colgroup>
                  <col className="webhooks__col-time" />
                  <col className="webhooks__col-provider" />
                  <col className="webhooks__col-run" />
                  <col className="webhooks__col-status" />
                  <col className="webhooks__col-outcome" />
                  <col />
                </colgroup>
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Provider</th>
                    <th scope="col">Run</th>
                    <th scope="col">Status</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((w) => {
                    const isSelected = selected?.id === w.id
                    return (
                      <tr
                        key={w.id}
                        className={`webhook${isSelected ? ' webhook--selected' : ''}`}
                        data-webhook-id={w.id}
                        data-outcome={w.outcome}
                        data-selected={isSelected}
                        onClick={() => open(w.id)}
                      >
                        <td>
                          <button
                            type="button"
                            className="webhook__select"
                            aria-pressed={isSelected}
                            aria-controls={isSelected && (!narrow || drawerOpen) ? 'webhook-detail' : undefined}
                            title="Show its headers and body (↑ ↓ move)"
                            aria-haspopup={narrow ? 'dialog' : undefined}
                          >
                            <span className="visually-hidden">Webhook #{w.id} at </span>
                            <time dateTime={new Date(w.receivedAt).toISOString()} title={formatTime(w.receivedAt)}>
                              {formatWhen(w.receivedAt, now)}
                            </time>
                          </button>
                        </td>
                        <td title={w.provider ? providerName[w.provider] : undefined}>{w.provider ? providerName[w.provider] : '—'}</td>
                        <td>
                          {w.runId ? (
                            <button
                              type="button"
                              className="link webhook__run"
                              aria-label={`Only run ${w.runId}`}
                              title={`Show only the webhooks of run ${w.runId}`}
                              onClick={(e) => {
                                e.stopPropagation()
                                setFilter({ search: w.runId ?? '' })
                              }}
                            >
                              <code>{shortRunId(w.runId)}</code>
                            </button>
                          ) : (
                            <span className="muted">—</span>
                          )}
                        </td>
                        <td title={w.status ?? undefined}>{w.status ?? <span className="muted">—</span>}</td>
                        <td title={w.replayOf !== null ? `${outcomeLabel[w.outcome]}, a replay of #${w.replayOf}` : undefined}>
                          <OutcomeBadge outcome={w.outcome} />
                          {w.replayOf !== null && <span className="tag tag--muted">replay of #{w.replayOf}</span>}
                        </td>
                        <td className="webhook__reason" title={w.reason}>
                          {w.reason}
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
            {olderError && <ErrorNotice error={olderError} className="notice--compact" live onRetry={() => void loadOlder()} />}
            {hasMore && (
              <button type="button" className="btn btn--ghost inspector__older" disabled={loadingOlder} onClick={() => void loadOlder()}>
                {loadingOlder ? 'Loading older…' : 'Load older'}
              </button>
            )}
          </div>
          {narrow ? (
            drawerOpen &&
            selected && (
              <Modal
                className="drawer drawer--webhook"
                labelledBy="webhook-detail-title"
                onClose={() => setDrawerOpen(false)}
                returnFocus={() => rowButton(selectedId)}
                panelProps={{ id: 'webhook-detail' }}
              >
                <WebhookDetail key={selected.id} record={selected} onSelect={select} onClose={() => setDrawerOpen(false)} />
              </Modal>
            )
          ) : (
            <div id="webhook-detail" className="inspector__side">
              {selected ? (
                <WebhookDetail key={selected.id} record={selected} onSelect={select} />
              ) : (
                <div className="card inspector__detail inspector__detail--empty">
                  <p className="muted">Select a webhook to see its headers and body, copy it, or replay it.</p>
                </div>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  )
}
