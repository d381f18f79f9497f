import { useId, type ChangeEvent } from 'react'
import type { InputField } from '@shared/deployment'
import { Icon } from '../../components/Icon'
import type { DraftValue } from '../../store/form-model'
import { FileControl, type ControlProps } from './FileControl'

interface Props {
  field: InputField
  value: DraftValue
  error: string | null
  randomEachRun: boolean
  onChange(value: DraftValue): void
  onRandomize(): void
  onRandomEachRun(on: boolean): void
}

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 6 })

function rangeHint(field: InputField): string | null {
  if (field.min !== undefined && field.max !== undefined) return `${fmt(field.min)} – ${fmt(field.max)}`
  if (field.min !== undefined) return `≥ ${fmt(field.min)}`
  if (field.max !== undefined) return `≤ ${fmt(field.max)}`
  return null
}

/** Where the slider's thumb sits: the box's number, kept inside the range (the box may hold "" or "1."). */
function rangeValue(text: string, min: number, max: number): number {
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n)) return min
  return Math.min(max, Math.max(min, n))
}

/** One deployment input as a labelled control, with its help text and its error under it. */
export function FieldControl({ field, value, error, randomEachRun, onChange, onRandomize, onRandomEachRun }: Props) {
  const base = useId()
  const inputId = `${base}-input`
  const helpId = `${base}-help`
  const errorId = `${base}-error`
  const label = field.label || field.id
  const text = typeof value === 'string' ? value : ''
  const describedBy = [field.description ? helpId : null, error ? errorId : null].filter((x) => x !== null).join(' ')
  const common: ControlProps = {
    id: inputId,
    name: field.id,
    required: field.required,
    'aria-describedby': describedBy || undefined,
    'aria-invalid': error ? true : undefined,
  }
  const onText = (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => onChange(e.target.value)
  const numberProps = { type: 'number', min: field.min, max: field.max, value: text, onChange: onText }

  let control
  switch (field.kind) {
    case 'prompt':
      control = <textarea {...common} className="input input--prompt" rows={4} value={text} onChange={onText} spellCheck />
      break
    case 'text':
      control = <input {...common} className="input" type="text" value={text} onChange={onText} />
      break
    case 'number':
    case 'integer': {
      const step = field.step ?? (field.kind === 'integer' ? 1 : 'any')
      const box = (
        <input {...common} {...numberProps} className="input input--number" inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'} step={step} />
      )
      control =
        field.slider && field.min !== undefined && field.max !== undefined ? (
          <div className="slider">
            <input
              type="range"
              className="slider__range"
              aria-label={`${label} slider`}
              min={field.min}
              max={field.max}
              step={step}
              value={rangeValue(text, field.min, field.max)}
              onChange={onText}
            />
            {box}
          </div>
        ) : (
          box
        )
      break
    }
    case 'seed':
      control = (
        <>
          <div className="seed">
            <input {...common} {...numberProps} className="input input--number" inputMode="numeric" step={1} />
            <button type="button" className="btn" aria-label="Randomize seed" title="Randomize seed" onClick={onRandomize}>
              <Icon name="dice" />
              <span aria-hidden="true">Randomize</span>
            </button>
          </div>
          <label className="check check--inline">
            <input type="checkbox" checked={randomEachRun} onChange={(e) => onRandomEachRun(e.target.checked)} />
            Random each run
          </label>
        </>
      )
      break
    case 'boolean':
      control = (
        <div className="check">
          <input {...common} required={false} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          <label htmlFor={inputId} className="field__label">
            {label}
          </label>
        </div>
      )
      break
    case 'enum': {
      const options = field.options ?? []
      if (options.length === 0) {
        // The workflow did not list its choices: let the value be typed.
        control = <input {...common} className="input" type="text" value={text} onChange={onText} />
        break
      }
      const blank = !field.required || text === '' || !options.includes(text)
      control = (
        <select {...common} className="input select" value={text} onChange={onText}>
          {blank && <option value="">{field.required ? 'Choose…' : '— default —'}</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )
      break
    }
    case 'image':
    case 'images':
    case 'video':
    case 'audio':
    case 'file':
      control = <FileControl field={field} value={value} label={label} common={common} onChange={onChange} />
      break
  }

  const hint = field.kind === 'number' || field.kind === 'integer' || field.kind === 'seed' ? rangeHint(field) : null
  return (
    <div className={`field field--${field.kind}${error ? ' field--invalid' : ''}`} data-field-id={field.id}>
      {field.kind !== 'boolean' && (
        <div className="field__head">
          <label htmlFor={inputId} className="field__label">
            {label}
          </label>
          {field.required && <span className="field__req">Required</span>}
          {hint && <span className="field__range">{hint}</span>}
        </div>
      )}
      {control}
      {field.description && (
        <p id={helpId} className="field__help">
          {field.description}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  )
}
