import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react'
import type { ConnectionCheck } from '@shared/contract'
import type { ErrorCode } from '@shared/errors'
import type { Failure } from '@shared/result'
import type { ProviderId } from '@shared/run'
import { ConnectionTest } from '../../components/ConnectionTest'
import { ErrorNotice } from '../../components/ErrorNotice'
import { failureText } from '../../components/failure-text'
import { SecretField } from '../../components/SecretField'
import { useCourier } from '../../store/context'
import { fixedBy, fixedNote, isFullPath } from '../settings/fixed-setting'
import { services, type KeyedProvider, type Service } from '../settings/services'

type Choice = 'demo' | KeyedProvider
type Step = 'start' | 'library'

/** What to do about a failed connection test, in the welcome's words (Settings is not open yet). */
function nextStep(service: Service, code: ErrorCode | null): string {
  switch (code) {
    case 'PROVIDER_AUTH':
      return `Check that you copied the whole key, or make a new one. ${service.newKeyHelp}`
    case 'NOT_CONFIGURED':
      return service.newKeyHelp
    case 'PROVIDER_RATE_LIMITED':
    case 'PROVIDER_UNAVAILABLE':
    case 'PROVIDER_TIMEOUT':
    case 'PROVIDER_BAD_REPLY':
      return `${service.name} is not answering well right now: test again in a moment, or start with the Demo and add the key later in Settings.`
    case 'PROVIDER_OFFLINE':
    case 'PROVIDER_NAME_NOT_FOUND':
    case 'PROVIDER_CONNECTION_REFUSED':
    case 'PROVIDER_TLS':
      // The advice already says what to do; the Demo works offline.
      return 'Meanwhile you can start with the Demo, which needs no connection, and add the key later in Settings.'
    default:
      return 'Start with the Demo if you like: you can add the key later in Settings.'
  }
}

/** Why a typed library folder cannot be used, before asking main; null when it looks right. */
function folderProblem(dir: string, example: string | null): string | null {
  if (dir === '') return 'Choose a folder for saved outputs: type its full path.'
  if (isFullPath(dir)) return null
  const like = example === null ? '' : `, such as ${example}`
  return `The library folder must be an absolute path: its full location on this computer, starting with “/” or a drive letter${like}.`
}

/** The focus moves to a step's heading when the step appears, so a screen reader starts reading there. */
function useFocusOnMount(ref: RefObject<HTMLElement | null>, when: boolean) {
  useEffect(() => {
    if (when) ref.current?.focus()
    // Once, when the step is shown.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
}

const choices: ReadonlyArray<{ id: Choice; name: string; text: string }> = [
  {
    id: 'demo',
    name: 'Try the Demo',
    text: 'No account needed. A simulator built into the app runs the workflows on this computer: free, offline, with real pictures.',
  },
  { id: 'comfydeploy', name: 'Connect ComfyDeploy', text: 'Run your ComfyDeploy deployments with your account’s API key.' },
  { id: 'runcomfy', name: 'Connect RunComfy', text: 'Run your RunComfy deployments with your account’s API token.' },
]

/** The key box of the chosen service, "Test connection", and the answer under them. */
function KeyField({
  service,
  keyRef,
  testing,
  problem,
  check,
  onTest,
  onEdit,
}: {
  service: Service
  keyRef: RefObject<HTMLInputElement | null>
  testing: boolean
  problem: string | null
  check: ConnectionCheck | null
  onTest(): void
  /** The key was changed: the last answer no longer applies to it. */
  onEdit(): void
}) {
  const id = useId()
  const fieldRef = useRef<HTMLDivElement>(null)
  const keySet = useCourier((s) => s.settings.view?.[service.id].apiKeySet === true)
  const failed = problem !== null || (check !== null && !check.ok)
  // An answer can land below the fold on a short window (1024×700): the box and its answer are brought into view.
  useEffect(() => {
    if (check !== null || problem !== null) fieldRef.current?.scrollIntoView?.({ block: 'nearest' })
  }, [check, problem])
  return (
    <div ref={fieldRef} className={`field welcome__key${failed ? ' field--invalid' : ''}`}>
      <label htmlFor={id} className="field__label">
        {service.keyLabel}
      </label>
      <SecretField
        id={id}
        inputRef={keyRef}
        saved={keySet}
        placeholder="Paste your key"
        describedBy={`${id}-help ${id}-result`}
        invalid={failed}
        onTyped={onEdit}
      />
      <p id={`${id}-help`} className="field__help">
        {service.newKeyHelp}
      </p>
      <ConnectionTest
        check={check}
        running={testing}
        onTest={onTest}
        resultId={`${id}-result`}
        nextStep={(code) => nextStep(service, code)}
        note={
          problem !== null && (
            <p className="field__error" data-check="failed">
              {problem}
            </p>
          )
        }
      />
    </div>
  )
}

/** Step 1: the Demo, or a service with its key tested before going on. */
function StartStep({
  choice,
  focusHeading,
  onChoice,
  onDone,
  onSkip,
  skipping,
}: {
  choice: Choice
  /** Back from step 2: the focus starts on this step's heading (on first show, the welcome's own heading has it). */
  focusHeading: boolean
  onChoice(c: Choice): void
  onDone(): void
  onSkip(): void
  skipping: boolean
}) {
  const headingRef = useRef<HTMLHeadingElement>(null)
  const keyRef = useRef<HTMLInputElement>(null)
  const save = useCourier((s) => s.settings.save)
  const testConnection = useCourier((s) => s.settings.testConnection)
  const settings = useCourier((s) => s.settings.view)
  const [testing, setTesting] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [check, setCheck] = useState<ConnectionCheck | null>(null)
  const headingId = useId()
  const service = services.find((s) => s.id === choice)
  useFocusOnMount(headingRef, focusHeading)

  const pick = (next: Choice) => {
    onChoice(next)
    setProblem(null)
    setCheck(null)
  }

  /**
   * Tests the typed key as it is (nothing saved yet), and saves it only once the service accepted it: a key
   * that failed its test is never kept by the welcome. With nothing typed, the key already saved is tested.
   */
  const test = async (): Promise<boolean> => {
    if (service === undefined) return true
    const key = keyRef.current?.value.trim() ?? ''
    if (key === '' && settings?.[service.id].apiKeySet !== true) {
      setProblem(`Paste your ${service.name} key first. ${service.newKeyHelp}`)
      setCheck(null)
      keyRef.current?.focus()
      return false
    }
    setTesting(true)
    setProblem(null)
    setCheck(null)
    const answer = await testConnection(service.id, key === '' ? undefined : key)
    if (answer?.ok === true && key !== '') {
      // Main counts a saved key as onboarded unless told otherwise: the welcome is not finished yet.
      const saved = await save({ [service.keyPatch]: key, onboarded: false })
      if (!saved.ok) {
        setTesting(false)
        setProblem(failureText(saved.error))
        return false
      }
    }
    setTesting(false)
    setCheck(answer)
    if (answer !== null && !answer.ok) keyRef.current?.focus()
    return answer?.ok === true
  }

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    if (service === undefined || check?.ok === true || (await test())) onDone()
  }

  return (
    <form className="welcome__step" noValidate onSubmit={(e) => void onSubmit(e)} aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="welcome__question">
        How would you like to start?
      </h2>
      <div className="welcome__choices" role="radiogroup" aria-labelledby={headingId}>
        {choices.map((c) => (
          <label key={c.id} className={`welcome__choice${choice === c.id ? ' welcome__choice--checked' : ''}`} data-choice={c.id}>
            <input type="radio" name="welcome-start" value={c.id} checked={choice === c.id} onChange={() => pick(c.id)} />
            <span className="welcome__choice-text">
              <span className="welcome__choice-name">
                {c.name}
                {c.id === 'demo' && <span className="badge badge--demo">Free</span>}
              </span>
              <span className="welcome__choice-help">{c.text}</span>
            </span>
          </label>
        ))}
      </div>
      {service && (
        <KeyField
          key={service.id}
          service={service}
          keyRef={keyRef}
          testing={testing}
          problem={problem}
          check={check}
          onTest={() => void test()}
          onEdit={() => {
            setProblem(null)
            setCheck(null)
          }}
        />
      )}
      <footer className="welcome__actions">
        <button type="button" className="btn btn--ghost" onClick={onSkip} disabled={skipping}>
          Skip for now
        </button>
        <button type="submit" className="btn btn--primary" disabled={testing}>
          Continue
        </button>
      </footer>
    </form>
  )
}

/** Step 2: where outputs go, how the services reach this computer, and Finish. */
function LibraryStep({
  choice,
  onBack,
  onFinish,
  finishing,
  finishError,
}: {
  choice: Choice
  onBack(): void
  onFinish(): void
  finishing: boolean
  finishError: Failure | null
}) {
  const headingRef = useRef<HTMLHeadingElement>(null)
  const settings = useCourier((s) => s.settings.view)
  const mode = useCourier((s) => s.app.info?.mode ?? 'web')
  const save = useCourier((s) => s.settings.save)
  const [folder, setFolder] = useState(settings?.libraryDir ?? '')
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const headingId = useId()
  const fieldId = useId()
  const fixed = fixedBy(settings, 'libraryDir')
  const suggested = settings?.defaultLibraryDir ?? null
  useFocusOnMount(headingRef, true)

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault()
    const dir = folder.trim()
    if (fixed === null) {
      const problem = folderProblem(dir, suggested ?? settings?.libraryDir ?? null)
      if (problem !== null) {
        setError(problem)
        return
      }
    }
    if (fixed === null && dir !== settings?.libraryDir) {
      setSaving(true)
      const res = await save({ libraryDir: dir })
      setSaving(false)
      if (!res.ok) {
        // Main's reason, as a sentence of its own: the "Some input is not valid." advice says nothing here.
        setError(res.error.field === 'libraryDir' ? `This folder cannot be used: ${res.error.message}.` : failureText(res.error))
        return
      }
    }
    onFinish()
  }

  const help =
    fixed !== null
      ? fixedNote(fixed, 'the folder')
      : `Every picture and video is saved here, in a folder per day and deployment. ${
          mode === 'web'
            ? 'Your browser cannot show a folder picker, so the suggested folder is filled in: keep it, or type the full path of another folder on the computer running Comfy Courier.'
            : 'Keep the suggested folder, or type the full path of another one.'
        } You can change it later in Settings.`

  return (
    <form className="welcome__step" noValidate onSubmit={(e) => void onSubmit(e)} aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1} className="welcome__question">
        Where should your outputs be saved?
      </h2>
      <div className={`field${error ? ' field--invalid' : ''}`}>
        <label htmlFor={fieldId} className="field__label">
          Library folder
        </label>
        <input
          id={fieldId}
          className="input input--mono"
          type="text"
          spellCheck={false}
          disabled={fixed !== null}
          value={fixed !== null ? (settings?.libraryDir ?? folder) : folder}
          aria-describedby={`${fieldId}-help${error ? ` ${fieldId}-error` : ''}`}
          aria-invalid={error ? true : undefined}
          onChange={(e) => {
            setFolder(e.target.value)
            setError(null)
          }}
        />
        <p id={`${fieldId}-help`} className="field__help" data-fixed-by={fixed?.by}>
          {help}
        </p>
        {fixed === null && suggested !== null && folder.trim() !== suggested && (
          <button
            type="button"
            className="btn btn--small btn--ghost welcome__suggest"
            onClick={() => {
              setFolder(suggested)
              setError(null)
            }}
          >
            Use the suggested folder
          </button>
        )}
        {error && (
          <p id={`${fieldId}-error`} className="field__error" role="alert">
            {error}
          </p>
        )}
      </div>
      <section className="welcome__tunnel" aria-labelledby={`${headingId}-tunnel`}>
        <h3 id={`${headingId}-tunnel`} className="welcome__subtitle">
          How runs report back
        </h3>
        <p>
          {choice === 'demo' ? 'Once you connect ComfyDeploy or RunComfy, ' : 'While a run is on the service, '}
          the service tells the app about its progress through a secure public web address that forwards only to the app’s webhook receiver on
          this computer; nothing else on your computer can be reached through it. If that address is down, the app asks the service instead.
          {choice === 'demo' && ' The Demo runs on this computer and needs none.'}
        </p>
      </section>
      {finishError && <ErrorNotice error={finishError} live settingsLink={false} />}
      <footer className="welcome__actions">
        <button type="button" className="btn btn--ghost" onClick={onBack}>
          Back
        </button>
        <button type="submit" className="btn btn--primary" disabled={saving || finishing} aria-busy={saving || finishing}>
          {(saving || finishing) && <span className="spinner spinner--small" aria-hidden="true" />}
          Finish
        </button>
      </footer>
    </form>
  )
}

/**
 * The first-run welcome, shown instead of the app while `settings.onboarded` is false: what the app is, the
 * Demo or a service (its key tested), the library folder, and a word on the tunnel. Finish or "Skip for now"
 * saves `onboarded` and opens Generate.
 */
export function Welcome() {
  const finishWelcome = useCourier((s) => s.settings.finishWelcome)
  const titleRef = useRef<HTMLHeadingElement>(null)
  const [step, setStep] = useState<Step>('start')
  const [returned, setReturned] = useState(false)
  const [choice, setChoice] = useState<Choice>('demo')
  const [finishing, setFinishing] = useState(false)
  const [finishError, setFinishError] = useState<Failure | null>(null)
  useFocusOnMount(titleRef, true)

  const finish = async (provider: ProviderId | null) => {
    setFinishing(true)
    setFinishError(null)
    const res = await finishWelcome(provider)
    // On success the welcome is gone; on failure it stays, saying why.
    if (!res.ok) {
      setFinishing(false)
      setFinishError(res.error)
    }
  }

  return (
    <main className="welcome" aria-labelledby="welcome-title">
      <div className="welcome__card">
        <header className="welcome__head">
          <span className="brand__mark" aria-hidden="true">
            ◆
          </span>
          <h1 id="welcome-title" ref={titleRef} tabIndex={-1} className="welcome__title">
            Welcome to Comfy Courier
          </h1>
          <p className="welcome__lead">
            Comfy Courier runs your ComfyUI workflows on ComfyDeploy or RunComfy, shows each run live, and saves every output in a folder on
            this computer.
          </p>
          <p className="welcome__progress muted">Step {step === 'start' ? 1 : 2} of 2</p>
        </header>
        {step === 'start' ? (
          <StartStep choice={choice} focusHeading={returned} onChoice={setChoice} onDone={() => setStep('library')} onSkip={() => void finish(null)} skipping={finishing} />
        ) : (
          <LibraryStep
            choice={choice}
            onBack={() => {
              setReturned(true)
              setStep('start')
            }}
            onFinish={() => void finish(choice)}
            finishing={finishing}
            finishError={finishError}
          />
        )}
        {step === 'start' && finishError && <ErrorNotice error={finishError} live settingsLink={false} />}
      </div>
    </main>
  )
}
