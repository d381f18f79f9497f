import type { TunnelStatus } from '@shared/delivery'
import { useCourier } from '../store/context'
import { activeRunCount } from '../store/selectors'

export function tunnelText(t: TunnelStatus | null): string {
  if (t === null) return 'Tunnel status unknown'
  switch (t.state) {
    case 'up':
      return t.publicUrl ? `Public URL: ${t.publicUrl}` : 'Public URL is up'
    case 'off':
      // Core leaves a configured tunnel closed until a real service needs it: the Demo calls us on loopback.
      return t.mode === 'off' ? 'Tunnel off — runs are polled' : 'Tunnel idle — opens when a service key is set'
    case 'connecting':
      return 'Connecting…'
    case 'down':
      return `Down: ${t.error ?? 'no reason given'}`
  }
}

export function StatusBar() {
  const tunnel = useCourier((s) => s.tunnel.status)
  const active = useCourier(activeRunCount)
  const info = useCourier((s) => s.app.info)
  const state = tunnel?.state ?? 'unknown'
  return (
    <footer className="statusbar">
      <span className="statusbar__tunnel" data-tunnel-state={state} title={tunnel?.state === 'down' ? 'Runs are polled until the tunnel is back.' : undefined}>
        <span className={`dot dot--${state}`} aria-hidden="true" />
        <span role="status">{tunnelText(tunnel)}</span>
      </span>
      <span className="statusbar__runs" data-active-runs={active}>
        {active === 0 ? 'No active runs' : `${active} active run${active === 1 ? '' : 's'}`}
      </span>
      {info && (
        <span className="statusbar__version muted">
          v{info.version} · {info.mode === 'web' ? 'web' : 'desktop'}
        </span>
      )}
    </footer>
  )
}
