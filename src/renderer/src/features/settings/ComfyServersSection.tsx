import { useEffect, useId, useState, type FormEvent } from 'react'
import type { ComfyAuthKind, ComfyServerView } from '@shared/comfyui'
import type { Failure } from '@shared/result'
import { ErrorNotice } from '../../components/ErrorNotice'
import { useCourier } from '../../store/context'

interface Draft {
  id?: string
  name: string
  url: string
  auth: ComfyAuthKind
  username: string
  headerName: string
  secret: string
  usdPerHour: string
}

const EMPTY: Draft = { name: '', url: 'http://127.0.0.1:8188', auth: 'none', username: '', headerName: '', secret: '', usdPerHour: '' }
const AUTH_LABELS: Record<ComfyAuthKind, string> = { none: 'None (this computer or a trusted network)', bearer: 'Bearer token', basic: 'Basic auth', header: 'Custom header' }
const SECRET_LABELS: Record<ComfyAuthKind, string> = { none: '', bearer: 'Token', basic: 'Password', header: 'Header value' }

/**
 * Your own ComfyUI servers (issue 19): add, edit, remove, and test each one (`/system_stats`). Secrets are
 * write-only, sealed by core like the services' keys. The server from COMFYUI_URL is shown, not editable.
 */
export function ComfyServersSection() {
  const servers = useCourier((s) => s.comfyui.servers)
  const loadError = useCourier((s) => s.comfyui.error)
  const checks = useCourier((s) => s.comfyui.checks)
  const loadServers = useCourier((s) => s.comfyui.loadServers)
  const saveServer = useCourier((s) => s.comfyui.saveServer)
  const removeServer = useCourier((s) => s.comfyui.removeServer)
  const testServer = useCourier((s) => s.comfyui.testServer)
  const [draft, setDraft] = useState<Draft | null>(null)
  const [actionError, setError] = useState<Failure | null>(null)
  const [busy, setBusy] = useState(false)
  const base = useId()
  const error = actionError ?? loadError

  useEffect(() => {
    void loadServers()
  }, [loadServers])

  const save = async (e: FormEvent) => {
    e.preventDefault()
    if (!draft) return
    const rate = draft.usdPerHour.trim()
    if (rate !== '' && !(Number(rate) >= 0)) return setError({ code: 'BAD_INPUT', message: 'The price per hour is a number of dollars, e.g. 0.79.', field: 'usdPerHour' })
    setBusy(true)
    const failure = await saveServer({
      ...(draft.id ? { id: draft.id } : {}),
      name: draft.name,
      url: draft.url.trim(),
      auth: draft.auth,
      username: draft.auth === 'basic' ? draft.username : null,
      headerName: draft.auth === 'header' ? draft.headerName.trim() : null,
      ...(draft.secret !== '' ? { secret: draft.secret } : {}),
      usdPerHour: rate === '' ? null : Number(rate),
    })
    setBusy(false)
    setError(failure)
    if (failure === null) setDraft(null)
  }

  const remove = async (server: ComfyServerView) => setError(await removeServer(server.id))
  const test = (server: ComfyServerView) => void testServer(server.id)

  const field = (name: keyof Draft) => `${base}-${name}`
  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d))

  return (
    <section className="card" aria-labelledby="settings-comfyui" data-section="comfyui">
      <h2 id="settings-comfyui" className="card__title">
        ComfyUI servers
      </h2>
      <p className="field__help">
        Run workflows on your own ComfyUI: this computer, a machine on your network, or a rented GPU. Never put ComfyUI on the internet without
        auth: reach a remote one through a TLS reverse proxy that checks a token.
      </p>
      {error && <ErrorNotice error={error} live className="notice--compact" />}
      {servers === null ? (
        <p className="muted">Loading servers…</p>
      ) : servers.length === 0 ? (
        <p className="muted">No server yet.</p>
      ) : (
        <ul className="comfy-servers" aria-label="ComfyUI servers">
          {servers.map((server) => {
            const check = checks[server.id]
            return (
              <li key={server.id} className="subsection" data-server={server.id}>
                <h3 className="subsection__title">
                  {server.name}
                  {server.isDefault && <span className="badge"> default</span>}
                </h3>
                <p className="field__help">
                  {server.url} · {server.auth === 'none' ? 'no auth' : `${AUTH_LABELS[server.auth]}${server.secretSet ? ' (saved)' : ' (not set)'}`}
                  {server.usdPerHour !== null ? ` · $${server.usdPerHour}/hour` : ''}
                  {server.fromEnv ? ' · set by COMFYUI_URL' : ''}
                </p>
                <div className="fe-actions">
                  <button type="button" className="btn btn--small" onClick={() => test(server)} disabled={check === 'running'} aria-busy={check === 'running'}>
                    {check === 'running' ? 'Testing…' : 'Test connection'}
                  </button>
                  {!server.fromEnv && (
                    <>
                      <button
                        type="button"
                        className="btn btn--small"
                        onClick={() =>
                          setDraft({
                            id: server.id,
                            name: server.name,
                            url: server.url,
                            auth: server.auth,
                            username: server.username ?? '',
                            headerName: server.headerName ?? '',
                            secret: '',
                            usdPerHour: server.usdPerHour === null ? '' : String(server.usdPerHour),
                          })
                        }
                      >
                        Edit
                      </button>
                      <button type="button" className="btn btn--small" onClick={() => void remove(server)}>
                        Remove
                      </button>
                    </>
                  )}
                </div>
                {check !== undefined && check !== 'running' && (
                  <p className={check.ok ? 'form-feedback--ok' : 'field__error'} role="status">
                    {check.message}
                  </p>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {draft === null ? (
        <button type="button" className="btn" onClick={() => setDraft({ ...EMPTY, name: servers?.length ? `ComfyUI ${servers.length + 1}` : 'My ComfyUI' })}>
          Add server
        </button>
      ) : (
        <form className="subsection" onSubmit={(e) => void save(e)} aria-label={draft.id ? 'Edit ComfyUI server' : 'Add ComfyUI server'}>
          <label className="field__label" htmlFor={field('name')}>
            Name
          </label>
          <input id={field('name')} className="input" value={draft.name} required maxLength={100} onChange={(e) => set({ name: e.target.value })} />
          <label className="field__label" htmlFor={field('url')}>
            Server URL
          </label>
          <input id={field('url')} className="input" type="url" value={draft.url} required onChange={(e) => set({ url: e.target.value })} />
          <label className="field__label" htmlFor={field('auth')}>
            Auth
          </label>
          <select id={field('auth')} className="input select" value={draft.auth} onChange={(e) => set({ auth: e.target.value as ComfyAuthKind })}>
            {(Object.keys(AUTH_LABELS) as ComfyAuthKind[]).map((kind) => (
              <option key={kind} value={kind}>
                {AUTH_LABELS[kind]}
              </option>
            ))}
          </select>
          {draft.auth === 'basic' && (
            <>
              <label className="field__label" htmlFor={field('username')}>
                User name
              </label>
              <input id={field('username')} className="input" value={draft.username} autoComplete="off" onChange={(e) => set({ username: e.target.value })} />
            </>
          )}
          {draft.auth === 'header' && (
            <>
              <label className="field__label" htmlFor={field('headerName')}>
                Header name
              </label>
              <input id={field('headerName')} className="input" value={draft.headerName} placeholder="X-Api-Key" onChange={(e) => set({ headerName: e.target.value })} />
            </>
          )}
          {draft.auth !== 'none' && (
            <>
              <label className="field__label" htmlFor={field('secret')}>
                {SECRET_LABELS[draft.auth]}
              </label>
              <input
                id={field('secret')}
                className="input"
                type="password"
                autoComplete="off"
                value={draft.secret}
                placeholder={draft.id ? 'Leave empty to keep the saved one' : ''}
                onChange={(e) => set({ secret: e.target.value })}
              />
            </>
          )}
          <label className="field__label" htmlFor={field('usdPerHour')}>
            Price per hour (optional)
          </label>
          <input id={field('usdPerHour')} className="input" inputMode="decimal" value={draft.usdPerHour} placeholder="0.79" onChange={(e) => set({ usdPerHour: e.target.value })} />
          <p className="field__help">For a rented GPU: turns each run’s GPU time into dollars. Leave empty for your own machine ($0).</p>
          <div className="fe-actions">
            <button type="submit" className="btn btn--primary" disabled={busy} aria-busy={busy}>
              Save server
            </button>
            <button type="button" className="btn" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  )
}
