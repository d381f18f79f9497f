import { useId } from 'react'
import { ErrorNotice } from '../../components/ErrorNotice'
import { useCourier } from '../../store/context'

export function ProviderPicker() {
  const providers = useCourier((s) => s.generate.providers)
  const status = useCourier((s) => s.generate.providersStatus)
  const error = useCourier((s) => s.generate.providersError)
  const selected = useCourier((s) => s.generate.provider)
  const select = useCourier((s) => s.generate.selectProvider)
  const reload = useCourier((s) => s.generate.loadProviders)
  const go = useCourier((s) => s.nav.go)
  const base = useId()

  if (error && providers.length === 0) return <ErrorNotice error={error} onRetry={() => void reload()} />
  if (providers.length === 0) return <p className="muted">{status === 'loading' ? 'Loading providers…' : 'No providers are available.'}</p>

  return (
    <fieldset className="providers">
      <legend className="section-label">Provider</legend>
      <div className="providers__grid">
        {providers.map((p) => {
          const id = `${base}-${p.id}`
          const noteId = `${id}-note`
          const checked = selected === p.id
          const untested = p.configured && !p.demo && p.keyState === 'unverified'
          return (
            <div
              key={p.id}
              className={`provider${checked ? ' provider--checked' : ''}${p.configured ? '' : ' provider--disabled'}`}
              data-provider-id={p.id}
            >
              <div className="provider__top">
                <input
                  id={id}
                  type="radio"
                  name="provider"
                  value={p.id}
                  checked={checked}
                  disabled={!p.configured}
                  aria-describedby={p.demo || !p.configured || untested ? noteId : undefined}
                  onChange={() => void select(p.id)}
                />
                <label htmlFor={id} className="provider__name">
                  {p.label}
                </label>
              </div>
              {p.demo && (
                <p id={noteId} className="provider__note">
                  Runs on this computer, free and offline, with no account needed.
                </p>
              )}
              {untested && (
                <p id={noteId} className="provider__note" data-key-state="unverified">
                  Its key has not passed a test yet.{' '}
                  <button type="button" className="link" onClick={() => go('settings')}>
                    Test it in Settings
                  </button>
                </p>
              )}
              {!p.configured && (
                <p id={noteId} className="provider__note">
                  <button type="button" className="link" onClick={() => go('settings')}>
                    {p.id === 'comfyui' ? 'Add a ComfyUI server in Settings' : 'Add API key in Settings'}
                  </button>
                </p>
              )}
            </div>
          )
        })}
      </div>
    </fieldset>
  )
}
