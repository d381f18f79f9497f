import type { ProviderInfo } from '@shared/contract'
import { FieldKind, type Deployment, type InputField } from '@shared/deployment'

/** The kinds a field can be shown as, in the contract's order. */
export const fieldKinds: readonly FieldKind[] = FieldKind.options

/**
 * A RunComfy deployment that publishes no inputs (a LoRA deployment): it cannot run until the creator adds
 * the body's field names, so the empty form says so.
 */
export const publishesNoInputs = (d: Deployment): boolean => d.provider === 'runcomfy' && !d.customForm && d.inputs.length === 0

/**
 * Whether "Customize form" is offered: RunComfy deployments (whose forms are either every literal input of a
 * graph or nothing), any form the user already chose, and any deployment without inputs; never the demo.
 */
export function canCustomize(d: Deployment, provider: ProviderInfo | undefined): boolean {
  if (d.provider === 'demo' || provider?.demo === true) return false
  return d.provider === 'runcomfy' || d.provider === 'comfyui' || d.customForm || d.inputs.length === 0
}

/** One row of the editor: a field as the user is shaping it. */
export interface EditorItem {
  field: InputField
  /** Shown in the form. */
  checked: boolean
  /** Typed in by name rather than offered by a workflow: kept when a workflow is imported. */
  byName: boolean
  /** The default as typed; parsed by kind on save. */
  defaultText: string
}

export const defaultTextOf = (field: InputField): string => (field.defaultValue === null ? '' : String(field.defaultValue))

const itemOf = (field: InputField, checked: boolean, byName: boolean): EditorItem => ({
  field,
  checked,
  byName,
  defaultText: defaultTextOf(field),
})

/**
 * The editor's first list: the form's current fields (checked, in their order, as the user last shaped them),
 * then every other candidate (unchecked). Without candidates (none published, or the call failed) the current
 * fields count as typed by name, so an import does not drop them.
 */
export function initialItems(current: readonly InputField[], candidates: readonly InputField[] | null): EditorItem[] {
  return addCandidates(
    current.map((f) => itemOf(f, true, true)),
    candidates,
  )
}

/** Adds the candidates not yet listed (unchecked, at the end); a listed field the workflow offers is no longer "by name". */
export function addCandidates(items: readonly EditorItem[], candidates: readonly InputField[] | null): EditorItem[] {
  if (candidates === null) return [...items]
  const offered = new Set(candidates.map((f) => f.id))
  const listed = new Set(items.map((i) => i.field.id))
  return [
    ...items.map((i) => (i.byName && offered.has(i.field.id) ? { ...i, byName: false } : i)),
    ...unique(candidates)
      .filter((f) => !listed.has(f.id))
      .map((f) => itemOf(f, false, false)),
  ]
}

/** The first field of each id (ids key the rows). */
function unique(fields: readonly InputField[]): InputField[] {
  const seen = new Set<string>()
  const out: InputField[] = []
  for (const f of fields) {
    if (seen.has(f.id)) continue
    seen.add(f.id)
    out.push(f)
  }
  return out
}

/**
 * The list after importing a workflow: its inputs replace those of the old one, in its order. An input the
 * form already shows stays checked with the user's label, kind and default; fields added by name are kept at
 * the end.
 */
export function importItems(items: readonly EditorItem[], imported: readonly InputField[]): EditorItem[] {
  const before = new Map(items.map((i) => [i.field.id, i]))
  const ids = new Set(imported.map((f) => f.id))
  return [
    ...unique(imported).map((f) => {
      const old = before.get(f.id)
      return old?.checked ? { ...old, byName: false } : itemOf(f, false, false)
    }),
    ...items.filter((i) => i.byName && !ids.has(i.field.id)),
  ]
}

/** Moves the item at `index` one place up (-1) or down (+1). */
export function moveItem<T>(items: readonly T[], index: number, by: -1 | 1): T[] {
  const to = index + by
  if (index < 0 || index >= items.length || to < 0 || to >= items.length) return [...items]
  const next = [...items]
  const [item] = next.splice(index, 1)
  if (item !== undefined) next.splice(to, 0, item)
  return next
}

type DefaultValue = InputField['defaultValue']

/** A typed default as the field's kind takes it, or why it cannot be. Empty means none. */
export function parseDefault(kind: FieldKind, text: string): { ok: true; value: DefaultValue } | { ok: false; message: string } {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: true, value: null }
  switch (kind) {
    case 'number':
    case 'integer':
    case 'seed': {
      const n = Number(trimmed)
      if (!Number.isFinite(n)) return { ok: false, message: 'Enter a number, or leave it empty.' }
      if (kind !== 'number' && !Number.isInteger(n)) return { ok: false, message: 'Enter a whole number, or leave it empty.' }
      return { ok: true, value: n }
    }
    case 'boolean':
      if (trimmed === 'true' || trimmed === 'false') return { ok: true, value: trimmed === 'true' }
      return { ok: false, message: 'Choose true or false.' }
    case 'prompt':
    case 'text':
      return { ok: true, value: text }
    default:
      return { ok: true, value: trimmed }
  }
}

/** The field an item saves as, or null when its default does not parse. */
export function fieldOf(item: EditorItem): InputField | null {
  const parsed = parseDefault(item.field.kind, item.defaultText)
  if (!parsed.ok) return null
  return { ...item.field, label: item.field.label.trim() || item.field.id, defaultValue: parsed.value }
}

/** `ctrl_img_1` → "Ctrl img 1", `negativePrompt` → "Negative prompt". */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.\s]+/g, ' ')
    .trim()
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** A first guess at the kind of a field typed by name (`seed`, `prompt`, `ctrl_img_1`, `width`…); the user can change it. */
export function guessKind(name: string): FieldKind {
  const n = name.trim().toLowerCase()
  if (/(^|[_.])seed$/.test(n)) return 'seed'
  if (/prompt/.test(n) || /(^|\.)text$/.test(n)) return 'prompt'
  if (/(img|image)s$/.test(n)) return 'images'
  if (/(^|_)(img|image)(_?\d+)?$|_url$/.test(n) && !/video|audio/.test(n)) return 'image'
  if (/video/.test(n)) return 'video'
  if (/audio/.test(n)) return 'audio'
  if (/(^|[_.])(width|height|steps|batch_size|frames|num_[a-z_]+)$/.test(n)) return 'integer'
  if (/(^|[_.])(cfg|guidance|strength|denoise|scale|lora_scale)$/.test(n)) return 'number'
  return 'text'
}
