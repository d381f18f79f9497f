import { useId, useRef, useState, type FormEvent } from 'react'
import { ErrorNotice } from '../../components/ErrorNotice'
import { ShortcutKeys } from '../../keyboard/ShortcutKeys'
import { useCourier } from '../../store/context'
import { validateField, valueOf } from '../../store/form-model'
import { currentDraft, hasSeedInput, isUploadWait, MAX_VARIATIONS, selectedDeployment, variationsError } from '../../store/generate'
import { FieldControl } from './FieldControl'
import { SpendEstimate } from './SpendEstimate'
import { ComposeActions } from '../compare/compose'
import { publishesNoInputs } from './form-editor'

interface Props {
  /** Opens "Customize form" (offered here when the deployment publishes no inputs). */
  onCustomize(): void
}

/** The selected deployment's inputs as a form; Generate submits it (Ctrl/⌘+Enter too, from anywhere in the view). */
export function DeploymentForm({ onCustomize }: Props) {
  const deployment = useCourier(selectedDeployment)
  const draft = useCourier(currentDraft)
  const showErrors = useCourier((s) => s.generate.showErrors)
  const submitting = useCourier((s) => s.generate.submitting)
  const submitError = useCourier((s) => s.generate.submitError)
  const serverFieldErrors = useCourier((s) => s.generate.serverFieldErrors)
  const { submit, setValue, randomizeSeed, setRandomEachRun, resetDraft } = useCourier((s) => s.generate)
  const variations = useCourier((s) => s.generate.variations)
  const provider = useCourier((s) => s.generate.provider)
  const showToast = useCourier((s) => s.toasts.show)
  const resetRef = useRef<HTMLButtonElement>(null)
  const mode = useCourier((s) => s.grids.mode)

  if (deployment === null) return null

  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    // A grid or a list goes by its own button, which knows whether it may.
    if (mode !== 'one') (e.currentTarget as HTMLFormElement).querySelector<HTMLButtonElement>('[data-compose-submit]:not(:disabled)')?.click()
    else void submit()
  }
  const fieldNamed = submitError?.field !== undefined && submitError.field in serverFieldErrors
  const hasSeed = hasSeedInput(deployment)
  const tooMany = hasSeed && variationsError(variations) !== null
  const invalidCount = showErrors ? deployment.inputs.filter((f) => validateField(f, valueOf(f, draft)) !== null).length + (tooMany ? 1 : 0) : 0
  // Reset asks nothing: it says what it did and offers Undo, which takes the focus and gives it back here.
  const onReset = () => {
    const undo = resetDraft()
    showToast({
      tone: 'info',
      text: 'The form is back to its defaults.',
      action: {
        label: 'Undo',
        run: () => {
          undo()
          resetRef.current?.focus()
        },
      },
      focusAction: true,
    })
  }

  return (
    <form className="gen-form" noValidate onSubmit={onSubmit} aria-label={`Inputs for ${deployment.name}`}>
      {deployment.inputs.length > 0 && (
        <div className="gen-form__tools">
          {mode !== 'one' && (
            <h2 className="gen-form__heading">{mode === 'grid' ? 'Fixed inputs: every cell starts from these' : 'Shared inputs: every run starts from these'}</h2>
          )}
          <button ref={resetRef} type="button" className="btn btn--small btn--ghost" onClick={onReset}>
            Reset to defaults
          </button>
        </div>
      )}
      {publishesNoInputs(deployment) ? (
        <div className="empty empty--inputs">
          <p className="empty__title">{"This deployment doesn't publish its inputs: add them by name"}</p>
          <div className="empty__text">
            RunComfy shows a LoRA deployment’s input names (such as <code>prompt</code> or <code>seed</code>) only on its API tab. Add
            them once and the form remembers them.
          </div>
          <div className="empty__action">
            <button type="button" className="btn btn--primary" aria-haspopup="dialog" onClick={onCustomize}>
              Customize form
            </button>
          </div>
        </div>
      ) : (
        deployment.inputs.length === 0 && (
          <p className="muted">
            {deployment.customForm ? 'This form has no fields' : 'This deployment takes no inputs'}: press Generate to run it.
          </p>
        )
      )}
      {deployment.inputs.map((field) => {
        const value = valueOf(field, draft)
        const error = serverFieldErrors[field.id] ?? (showErrors ? validateField(field, value) : null)
        return (
          <FieldControl
            key={`${deployment.id}/${field.id}`}
            field={field}
            value={value}
            error={error}
            randomEachRun={draft?.randomEachRun[field.id] === true}
            onChange={(v) => setValue(field.id, v)}
            onRandomize={() => randomizeSeed(field.id)}
            onRandomEachRun={(on) => setRandomEachRun(field.id, on)}
          />
        )
      })}
      {/* A refusal not about one input is announced by its toast (store/generate.ts); here it stays in view. */}
      {submitError && <ErrorNotice error={submitError} live={fieldNamed || isUploadWait(submitError)} adviceOnly={fieldNamed} />}
      {invalidCount > 0 && (
        <p className="form-hint form-hint--error" role="alert">
          Fix {invalidCount === 1 ? 'the highlighted field' : `the ${invalidCount} highlighted fields`} to generate.
        </p>
      )}
      {mode !== 'one' ? (
        <ComposeActions deployment={deployment} mode={mode} />
      ) : (
      <div className="form-actions">
        <button type="submit" className="btn btn--primary btn--large" disabled={submitting} aria-busy={submitting}>
          {submitting && <span className="spinner spinner--small" aria-hidden="true" />}
          Generate
        </button>
        <Variations count={variations} hasSeed={hasSeed} />
        {/* In the sticky bar's one row, so what a click would cost stays in view beside the button; while the
            count of variations is refused there is nothing to estimate, and the refusal has the room. */}
        {provider !== null && !tooMany && <SpendEstimate provider={provider} deploymentId={deployment.id} count={hasSeed ? Math.max(1, variations) : 1} />}
        {/* Ctrl/⌘+Enter is an app-wide shortcut (keyboard/connect-keyboard.ts): it works from any field. */}
        <span className="form-actions__hint muted">
          <ShortcutKeys id="generate.submit" />
        </span>
      </div>
      )}
    </form>
  )
}

/**
 * "Variations": how many runs one Generate submits (1–16). More than one is a batch (`runs.submitBatch`)
 * whose runs differ by their seed; Runs shows them under one header.
 */
function Variations({ count, hasSeed }: { count: number; hasSeed: boolean }) {
  const setVariations = useCourier((s) => s.generate.setVariations)
  const id = useId()
  const helpId = useId()
  // The box keeps what is typed ("" while retyping); the store keeps the number it means.
  const [text, setText] = useState(String(count))
  const [shownCount, setShownCount] = useState(count)
  const error = hasSeed ? variationsError(count) : null
  if (shownCount !== count) {
    setShownCount(count)
    setText(String(count))
  }
  return (
    <div className="variations">
      <label className="variations__label" htmlFor={id}>
        Variations
      </label>
      <input
        id={id}
        className="input input--number variations__input"
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_VARIATIONS}
        step={1}
        value={text}
        aria-describedby={helpId}
        onChange={(e) => {
          setText(e.target.value)
          const n = Number.parseInt(e.target.value, 10)
          if (Number.isFinite(n)) setVariations(n)
        }}
        onBlur={() => {
          if (text.trim() === '') setText(String(count))
        }}
        aria-invalid={error !== null}
        disabled={!hasSeed}
      />
      {/* One row beside Generate: the help is read out, and shown only when it is an error or a reason. */}
      <span id={helpId} className={error !== null ? 'variations__help form-hint--error' : hasSeed ? 'visually-hidden' : 'variations__help muted'}>
        {!hasSeed
          ? 'Needs a seed input: this deployment has none, so its variations would all be the same.'
          : (error ?? (count > 1 ? `${count} runs as one batch, each with its own seed.` : `Up to ${MAX_VARIATIONS} runs per Generate.`))}
      </span>
    </div>
  )
}
