import { Fragment, useEffect, useState } from 'react'
import type { WebhookRecord } from '@shared/delivery'
import { EmptyState } from '../../components/EmptyState'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatClock, shortId } from '../../components/format'
import { tunnelText } from '../../components/StatusBar'
import { useCourier } from '../../store/context'

const providerName = { demo: 'Demo', comfydeploy: 'ComfyDeploy', runcomfy: 'RunComfy' } as const

/** Pretty-printed JSON when the body parses, else the body as received. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2)
  } catch {
    return body
  }
}

const outcomeHelp: Record<WebhookRecord['outcome'], string> = {
  applied: 'Moved the run forward',
  duplicate: 'Already known; changed nothing',
  stale: 'Older than what we already had; ignored',
  rejected: 'Not accepted',
}

export function WebhooksView() {
  const items = useCourier((s) => s.webhooks.items)
  const status = useCourier((s) => s.webhooks.status)
  const error = useCourier((s) => s.webhooks.error)
  const load = useCourier((s) => s.webhooks.load)
  const replay = useCourier((s) => s.webhooks.replay)
  const replaying = useCourier((s) => s.webhooks.replaying)
  const replayErrors = useCourier((s) => s.webhooks.replayErrors)
  const tunnel = useCourier((s) => s.tunnel.status)
  const [expanded, setExpanded] = useState<number | null>(null)

  // A fetch when the view opens; live updates come through the store's one event subscription.
  useEffect(() => {
    void load()
  }, [load])

  return (
    <section className="view" aria-labelledby="webhooks-title">
      <header className="view__head">
        <div>
          <h1 id="webhooks-title" className="view__title">
            Webhooks
          </h1>
          <p className="view__sub">
            Every callback the services sent, what it did to its run, and a Replay to send it through again.
          </p>
        </div>
        <span className="tunnel-chip" data-tunnel-state={tunnel?.state ?? 'unknown'}>
          <span className={`dot dot--${tunnel?.state ?? 'unknown'}`} aria-hidden="true" />
          {tunnelText(tunnel)}
        </span>
      </header>
      {error && <ErrorNotice error={error} onRetry={() => void load()} />}
      {items.length === 0 ? (
        status === 'loading' || status === 'idle' ? (
          <p className="muted" role="status">
            Loading webhooks…
          </p>
        ) : (
          <EmptyState title="No webhooks received yet.">
            When you run a deployment while the public URL is up, the service calls Comfy Courier back through it and
            each call shows up here. With the tunnel off, runs are polled instead, so nothing appears — set up the tunnel
            in Settings.
          </EmptyState>
        )
      ) : (
        <div className="table-wrap">
          <table className="table webhooks">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Provider</th>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((w) => {
                const open = expanded === w.id
                const toggle = () => setExpanded(open ? null : w.id)
                const bodyId = `webhook-body-${w.id}`
                const replayError = replayErrors[w.id]
                return (
                  <Fragment key={w.id}>
                    <tr className={`webhook${open ? ' webhook--open' : ''}`} data-webhook-id={w.id} data-outcome={w.outcome} onClick={toggle}>
                      <td>
                        <button
                          type="button"
                          className="disclosure"
                          aria-expanded={open}
                          aria-controls={open ? bodyId : undefined}
                          onClick={(e) => {
                            e.stopPropagation()
                            toggle()
                          }}
                        >
                          <span className="disclosure__caret" aria-hidden="true">
                            ▸
                          </span>
                          <time dateTime={new Date(w.receivedAt).toISOString()}>{formatClock(w.receivedAt)}</time>
                        </button>
                      </td>
                      <td>{w.provider ? providerName[w.provider] : '—'}</td>
                      <td>
                        {w.runId ? (
                          <code title={w.runId}>{shortId(w.runId)}</code>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>{w.status ?? <span className="muted">—</span>}</td>
                      <td>
                        <span className={`badge badge--${w.outcome}`} title={outcomeHelp[w.outcome]}>
                          {w.outcome}
                        </span>
                        {w.replayOf !== null && <span className="tag tag--muted">replay of #{w.replayOf}</span>}
                      </td>
                      <td className="webhook__reason">{w.reason}</td>
                      <td className="table__actions">
                        <button
                          type="button"
                          className="btn btn--small btn--ghost"
                          disabled={replaying[w.id] === true}
                          onClick={(e) => {
                            e.stopPropagation()
                            void replay(w.id)
                          }}
                        >
                          {replaying[w.id] ? 'Replaying…' : 'Replay'}
                        </button>
                      </td>
                    </tr>
                    {replayError && (
                      <tr className="webhook__detail">
                        <td colSpan={7}>
                          <ErrorNotice error={replayError} className="notice--compact" live />
                        </td>
                      </tr>
                    )}
                    {open && (
                      <tr className="webhook__detail" id={bodyId}>
                        <td colSpan={7}>
                          <div className="webhook__facts muted">
                            #{w.id} · HTTP {w.httpStatus} answered · {new Date(w.receivedAt).toLocaleString()}
                            {w.runId && ` · run ${w.runId}`}
                          </div>
                          <pre className="code">{prettyBody(w.body)}</pre>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
