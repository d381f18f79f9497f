import type { ChangeEvent } from 'react'
import type { FieldKind } from '@shared/deployment'
import { fieldKinds } from './form-editor'

interface Props {
  kind: FieldKind
  options: readonly string[] | undefined
  value: string
  label: string
  id?: string
  invalid: boolean
  describedBy: string | undefined
  onChange(text: string): void
}

/** A default value's control: true/false or the listed options where the kind has them, else a text box. */
export function DefaultInput({ kind, options, value, label, id, invalid, describedBy, onChange }: Props) {
  const common = {
    id,
    'aria-label': label,
    'aria-invalid': invalid ? true : undefined,
    'aria-describedby': describedBy,
    value,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) => onChange(e.target.value),
  }
  const choices = kind === 'boolean' ? ['true', 'false'] : kind === 'enum' && options !== undefined && options.length > 0 ? options : null
  if (choices !== null) {
    return (
      <select {...common} className="input select">
        <option value="">— none —</option>
        {value !== '' && !choices.includes(value) && <option value={value}>{value}</option>}
        {choices.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    )
  }
  return <input {...common} className="input" type="text" placeholder="none" />
}

/** Every kind a field can be shown as, for a kind picker. */
export function KindOptions() {
  return fieldKinds.map((k) => (
    <option key={k} value={k}>
      {k}
    </option>
  ))
}
