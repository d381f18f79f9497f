import type { RefObject } from 'react'

interface Removal {
  /** What the secret is called on its badge and button: "Key", "Token". */
  noun: string
  disabled: boolean
  onRemove(): void
}

interface Props {
  id: string
  /** Secrets never enter React or store state: the box is uncontrolled, read through this on save and cleared. */
  inputRef: RefObject<HTMLInputElement | null>
  /** One is saved: the box stays empty and says so. */
  saved: boolean
  /** What the empty box asks for when none is saved. */
  placeholder: string
  describedBy?: string
  invalid?: boolean
  onTyped(typed: boolean): void
  /** Shows whether one is saved ("Key saved" / "No key") and offers "Remove key". */
  removal?: Removal
  /** The saved one has never passed a connection test: a "Not tested" badge beside "Key saved". */
  untested?: boolean
}

/** A write-only secret (an API key, a token): a password box that never shows what is saved. */
export function SecretField({ id, inputRef, saved, placeholder, describedBy, invalid = false, onTyped, removal, untested = false }: Props) {
  const noun = removal?.noun.toLowerCase()
  return (
    <div className="key-row">
      <input
        ref={inputRef}
        id={id}
        className="input"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder={saved ? '••••••••  (saved)' : placeholder}
        aria-describedby={describedBy}
        aria-invalid={invalid ? true : undefined}
        onChange={(e) => onTyped(e.target.value !== '')}
      />
      {removal &&
        (saved ? (
          <>
            <span className="badge badge--applied" data-key-state="saved">
              {removal.noun} saved
            </span>
            {untested && (
              <span className="badge badge--stale" data-key-state="unverified">
                Not tested
              </span>
            )}
            <button type="button" className="btn btn--small btn--danger-ghost" disabled={removal.disabled} onClick={removal.onRemove}>
              Remove {noun}
            </button>
          </>
        ) : (
          <span className="badge badge--muted" data-key-state="none">
            No {noun}
          </span>
        ))}
    </div>
  )
}
