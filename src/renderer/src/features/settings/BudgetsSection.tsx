import { useState, type FormEvent } from 'react'
import type { Failure } from '@shared/result'
import type { SettingsView as Settings } from '@shared/settings'
import { RunComfyTier, type PaidProvider } from '@shared/spend'
import { ErrorNotice } from '../../components/ErrorNotice'
import { providerNames } from '../../format/money'
import { useCourier } from '../../store/context'
import { BUDGETS_SECTION_ID } from '../../store/spend'
import { budgetsPatch, paidProviders, toBudgetsForm, validateBudgets, type BudgetForm, type BudgetsErrors, type BudgetsForm } from './budgets-form'
import { describedBy, Field } from './SettingsField'

const names = { comfydeploy: providerNames.comfydeploy, runcomfy: providerNames.runcomfy } satisfies Record<PaidProvider, string>

/** A dollar box: its visible label short ("Monthly budget ($)"), its name whole ("ComfyDeploy monthly budget ($)"). */
function MoneyField({ id, provider, label, help, error, value, placeholder, onChange }: {
  id: string
  provider: string
  label: string
  help: string
  error: string | undefined
  value: string
  placeholder?: string
  onChange(value: string): void
}) {
  const name = (
    <>
      <span className="visually-hidden">{provider} </span>
      {label}
    </>
  )
  return (
    <Field id={id} label={name} help={help} {...(error ? { error } : {})}>
      <input
        id={id}
        className="input input--money"
        inputMode="decimal"
        autoComplete="off"
        placeholder={placeholder}
        value={value}
        aria-describedby={describedBy(id, true, error)}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  )
}

function ProviderBudget({ provider, value, errors, onChange }: { provider: PaidProvider; value: BudgetForm; errors: BudgetsErrors; onChange(change: Partial<BudgetForm>): void }) {
  const name = names[provider]
  const stopId = `budget-${provider}-stop`
  const stopError = errors[`${provider}.hardStop`]
  return (
    <fieldset className="subsection budget-fields" data-budget-provider={provider}>
      <legend className="subsection__title">{name}</legend>
      <div className="budget-fields__row">
        <MoneyField
          id={`budget-${provider}-monthly`}
          provider={name}
          label="Monthly budget ($)"
          help="Empty: no monthly budget. A warning comes at 80 %."
          placeholder="No budget"
          error={errors[`${provider}.monthly`]}
          value={value.monthly}
          onChange={(monthly) => onChange({ monthly })}
        />
        <MoneyField
          id={`budget-${provider}-confirm`}
          provider={name}
          label="Confirm above ($)"
          help="A submit estimated above this asks first; 0 asks before every paid submit."
          error={errors[`${provider}.confirmAbove`]}
          value={value.confirmAbove}
          onChange={(confirmAbove) => onChange({ confirmAbove })}
        />
      </div>
      <div className={`field field--check${stopError ? ' field--invalid' : ''}`}>
        <label className="check">
          <input
            id={stopId}
            type="checkbox"
            checked={value.hardStop}
            aria-describedby={describedBy(stopId, true, stopError)}
            aria-invalid={stopError ? true : undefined}
            onChange={(e) => onChange({ hardStop: e.target.checked })}
          />
          <span className="visually-hidden">{name} </span>
          Hard stop
        </label>
        <p id={`${stopId}-help`} className="field__help">
          Refuse any submit that would take the month past the budget, whatever is confirmed.
        </p>
        {stopError && (
          <p id={`${stopId}-error`} className="field__error">
            {stopError}
          </p>
        )}
      </div>
    </fieldset>
  )
}

/** RunComfy's plan, and the tier each deployment's hardware is priced as (its SKU's own mapping is a guess). */
function RunComfyPricing({ form, onChange }: { form: BudgetsForm; onChange(change: Partial<BudgetsForm>): void }) {
  const configured = useCourier((s) => s.generate.providers.find((p) => p.id === 'runcomfy')?.configured === true)
  const list = useCourier((s) => s.generate.deployments.runcomfy)
  const loadDeployments = useCourier((s) => s.generate.loadDeployments)
  const chosen = Object.values(form.tiers).filter((t) => t !== '').length
  const deployments = list?.items ?? []
  return (
    <fieldset className="subsection budget-fields" data-budget-provider="runcomfy-pricing">
      <legend className="subsection__title">RunComfy pricing</legend>
      <Field id="runcomfy-plan" label="RunComfy plan" help="Pro prices each machine tier lower; choose the plan your account is on.">
        <select id="runcomfy-plan" className="input input--select" value={form.plan} aria-describedby="runcomfy-plan-help" onChange={(e) => onChange({ plan: e.target.value === 'pro' ? 'pro' : 'payg' })}>
          <option value="payg">Pay as you go</option>
          <option value="pro">Pro</option>
        </select>
      </Field>
      {!configured ? (
        <p className="field__help">Connect RunComfy above to choose the tier of each of its deployments.</p>
      ) : (
        // The deployments are listed when asked for: listing them is a call to the service.
        <details
          className="tiers"
          onToggle={(e) => {
            if (e.currentTarget.open && (list === undefined || list.status === 'error')) void loadDeployments('runcomfy')
          }}
        >
          <summary>Machine tier per deployment{chosen > 0 ? ` (${chosen} chosen)` : ''}</summary>
          {list === undefined || list.status === 'loading' || list.status === 'idle' ? (
            <p className="field__help">Loading your RunComfy deployments…</p>
          ) : list.status === 'error' && list.error ? (
            <ErrorNotice error={list.error} className="notice--compact" onRetry={() => void loadDeployments('runcomfy')} />
          ) : deployments.length === 0 ? (
            <p className="field__help">No RunComfy deployments yet.</p>
          ) : (
            <table className="table tier-table">
              <caption className="field__help">Each deployment is priced at its machine tier: change one whose hardware SKU was mapped to the wrong tier.</caption>
              <thead>
                <tr>
                  <th scope="col">Deployment</th>
                  <th scope="col">Hardware</th>
                  <th scope="col">Tier</th>
                </tr>
              </thead>
              <tbody>
                {deployments.map((d) => {
                  const id = `tier-${d.id}`
                  return (
                    <tr key={d.id} data-deployment-id={d.id}>
                      <th scope="row">{d.name}</th>
                      <td>
                        <code>{d.hardware ?? 'not said'}</code>
                      </td>
                      <td>
                        <label htmlFor={id} className="visually-hidden">
                          Tier of {d.name}
                        </label>
                        <select
                          id={id}
                          className="input input--select"
                          value={form.tiers[d.id] ?? ''}
                          onChange={(e) => onChange({ tiers: { ...form.tiers, [d.id]: e.target.value === '' ? '' : RunComfyTier.parse(e.target.value) } })}
                        >
                          <option value="">Automatic{d.hardware ? ` (from ${d.hardware})` : ''}</option>
                          {RunComfyTier.options.map((tier) => (
                            <option key={tier} value={tier}>
                              {tier}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          )}
        </details>
      )}
    </fieldset>
  )
}

/**
 * Settings → Budgets: per paid service a monthly budget, the amount above which a submit asks first, and
 * the hard stop; RunComfy's plan and tiers. A form of its own (Settings' main form cannot hold another),
 * saved with `settings.update`.
 */
export function BudgetsSection({ settings }: { settings: Settings }) {
  const save = useCourier((s) => s.settings.save)
  const [form, setForm] = useState<BudgetsForm>(() => toBudgetsForm(settings))
  const [errors, setErrors] = useState<BudgetsErrors>({})
  const [saving, setSaving] = useState(false)
  const [feedback, setFeedback] = useState<{ kind: 'saved'; text: string } | { kind: 'error'; error: Failure } | null>(null)
  const change = (next: Partial<BudgetsForm>) => {
    setForm((f) => ({ ...f, ...next }))
    setFeedback(null)
  }
  const changeBudget = (provider: PaidProvider) => (next: Partial<BudgetForm>) => {
    setForm((f) => ({ ...f, budgets: { ...f.budgets, [provider]: { ...f.budgets[provider], ...next } } }))
    setErrors((e) => ({ ...e, [`${provider}.monthly`]: undefined, [`${provider}.confirmAbove`]: undefined, [`${provider}.hardStop`]: undefined }))
    setFeedback(null)
  }
  const checked = validateBudgets(form, names)
  const patch = checked.budgets === null ? null : budgetsPatch(form, checked.budgets, settings)
  const dirty = checked.budgets === null || patch !== null

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (checked.budgets === null) {
      setErrors(checked.errors)
      const first = Object.keys(checked.errors)[0]
      if (first !== undefined) {
        const [provider, box] = first.split('.')
        document.getElementById(`budget-${provider}-${box === 'monthly' ? 'monthly' : box === 'confirmAbove' ? 'confirm' : 'stop'}`)?.focus()
      }
      return
    }
    if (patch === null) return
    setSaving(true)
    const res = await save(patch)
    setSaving(false)
    if (!res.ok) {
      setFeedback({ kind: 'error', error: res.error })
      return
    }
    setForm(toBudgetsForm(res.value))
    setErrors({})
    setFeedback({ kind: 'saved', text: 'Budgets saved: they apply to the next submit.' })
  }

  return (
    <section className="card budgets" id={BUDGETS_SECTION_ID} aria-labelledby="settings-budgets-title">
      <h2 id="settings-budgets-title" className="card__title" tabIndex={-1}>
        Budgets
      </h2>
      <p className="field__help">
        Estimates come from each deployment’s recent runs. A submit that would cross a budget or the amount below asks first; the Demo is free and never
        asks.
      </p>
      <form noValidate onSubmit={(e) => void submit(e)} aria-label="Budgets">
        {paidProviders.map((provider) => (
          <ProviderBudget key={provider} provider={provider} value={form.budgets[provider]} errors={errors} onChange={changeBudget(provider)} />
        ))}
        <RunComfyPricing form={form} onChange={change} />
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={saving || !dirty}>
            {saving ? 'Applying…' : 'Apply budgets'}
          </button>
          {feedback?.kind === 'saved' && (
            <span className="form-feedback form-feedback--ok" role="status">
              {feedback.text}
            </span>
          )}
          {feedback?.kind === 'error' && <ErrorNotice error={feedback.error} live settingsLink={false} className="notice--compact" />}
        </div>
      </form>
    </section>
  )
}
