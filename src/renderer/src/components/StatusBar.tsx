import { useEffect, useId, useRef, useState } from 'react'
import type { TunnelStatus } from '@shared/delivery'
import { useCourier } from '../store/context'
import { activeRunCount } from '../store/selectors'
import { Modal } from './Modal'
import { canRetryTunnel, countdownText, tunnelAnnouncement, tunnelProblem, tunnelText } from './tunnel-words'
import { useNow } from './useNow'
import { DialogHead } from './DialogHead'

export { tunnelText } from './tunnel-words'

const modeName: Record<TunnelStatus['mode'], string> = {
  off: 'Off',
  localtunnel: 'localtunnel',
  ngrok: 'ngrok',
  url: 'Your own public URL',
}

/** "In 47 seconds." or "Now." */
const nextTry = (at: number, now: number): string => {
  const text = countdownText(at, now)
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

/**
 * The public URL in full, opened from the status bar: its state (with the live countdown), what went wrong,
 * the address tried, and "Retry now".
 */
function TunnelPanel({ onClose }: { onClose(): void }) {
  const tunnel = useCourier((s) => s.tunnel.status)
  const retrying = useCourier((s) => s.tunnel.retrying)
  const retry = useCourier((s) => s.tunnel.retry)
  const go = useCourier((s) => s.nav.go)
  const now = useNow(tunnel?.state === 'down' && typeof tunnel.retryAt === 'number')
  const titleId = useId()
  const closeRef = useRef<HTMLButtonElement>(null)
  const retryRef = useRef<HTMLButtonElement>(null)
  const retryable = canRetryTunnel(tunnel)
  // The button stays (and keeps the focus) while a try is under way; it just does nothing then.
  const busy = retrying || tunnel?.state === 'connecting'
  const showRetry = retryable || busy
  // When the tunnel comes up the button goes: its focus moves to Close rather than out of the dialog.
  useEffect(() => {
    if (!showRetry && (document.activeElement === null || document.activeElement === document.body)) closeRef.current?.focus()
  }, [showRetry])

  return (
    <Modal className="dialog dialog--tunnel" labelledBy={titleId} onClose={onClose} initialFocus={retryable ? retryRef : closeRef} panelProps={{ 'data-tunnel-state': tunnel?.state ?? 'unknown' }}>
      <DialogHead titleId={titleId} title="Public URL" onClose={onClose} closeRef={closeRef} />
      <div className="dialog__body tunnel-panel">
        <p className="tunnel-panel__state">
          <span className={`dot dot--${tunnel?.state ?? 'unknown'}`} aria-hidden="true" />
          <span>{tunnelText(tunnel, now)}</span>
        </p>
        {tunnel?.state === 'down' && (
          <section className="tunnel-panel__section" aria-labelledby={`${titleId}-wrong`}>
            <h3 id={`${titleId}-wrong`} className="section-label">
              What went wrong
            </h3>
            <p>{tunnelProblem(tunnel)}</p>
            {tunnel.error && <p className="muted tunnel-panel__detail">The exact message was: {tunnel.error}</p>}
          </section>
        )}
        {tunnel && tunnel.mode !== 'off' && (
          <dl className="facts tunnel-panel__facts">
            <dt>Opened through</dt>
            <dd>{modeName[tunnel.mode]}</dd>
            <dt>{tunnel.state === 'up' ? 'Address' : 'Address tried'}</dt>
            <dd>{tunnel.address ? <code>{tunnel.address}</code> : <span className="muted">None set yet.</span>}</dd>
            {tunnel.state === 'down' && typeof tunnel.retryAt === 'number' && (
              <>
                <dt>Next try</dt>
                <dd>{nextTry(tunnel.retryAt, now)}</dd>
              </>
            )}
          </dl>
        )}
        <p className="muted">
          {tunnel?.state === 'up'
            ? 'The services send each run’s progress to this address, so runs update as soon as something happens.'
            : 'While the public URL is not up, Comfy Courier asks the services about your runs every few seconds instead, so they still finish and save.'}
        </p>
      </div>
      <footer className="dialog__foot tunnel-panel__foot">
        {showRetry ? (
          <button
            ref={retryRef}
            type="button"
            className="btn btn--primary"
            aria-disabled={busy || undefined}
            onClick={() => {
              if (!busy) void retry()
            }}
          >
            {busy ? 'Trying now…' : 'Retry now'}
          </button>
        ) : null}
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => {
            onClose()
            go('settings')
          }}
        >
          Open Settings
        </button>
      </footer>
    </Modal>
  )
}

export function StatusBar() {
  const tunnel = useCourier((s) => s.tunnel.status)
  const active = useCourier(activeRunCount)
  const info = useCourier((s) => s.app.info)
  const [open, setOpen] = useState(false)
  const state = tunnel?.state ?? 'unknown'
  // The shared clock ticks only while there is a countdown to show.
  const now = useNow(tunnel?.state === 'down' && typeof tunnel.retryAt === 'number')
  return (
    <footer className="statusbar">
      <button
        type="button"
        className="statusbar__tunnel"
        data-tunnel-state={state}
        aria-haspopup="dialog"
        aria-expanded={open}
        title="Show the public URL’s details"
        onClick={() => setOpen(true)}
      >
        <span className={`dot dot--${state}`} aria-hidden="true" />
        <span className="statusbar__tunnel-text">{tunnelText(tunnel, now)}</span>
      </button>
      {/* Announced when the state changes, not every second of the countdown. */}
      <span className="visually-hidden" role="status">
        {tunnelAnnouncement(tunnel)}
      </span>
      <span className="statusbar__runs" data-active-runs={active}>
        {active === 0 ? 'No active runs' : `${active} active run${active === 1 ? '' : 's'}`}
      </span>
      {info && (
        <span className="statusbar__version muted">
          v{info.version} · {info.mode === 'web' ? 'web' : 'desktop'}
        </span>
      )}
      {open && <TunnelPanel onClose={() => setOpen(false)} />}
    </footer>
  )
}
