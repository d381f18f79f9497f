import type { FieldKind, InputField } from '@shared/deployment'
import type { Failure } from '@shared/result'
import { addCandidates, guessKind, humanize, importItems, initialItems, moveItem, parseDefault, type EditorItem } from './form-editor'

/** "Add a field by name" as typed; the kind follows the name (`guessKind`) until the user picks one. */
export interface NewField {
  name: string
  label: string
  kind: FieldKind | null
  defaultText: string
}

/** Everything the "Customize form" dialog holds while the user shapes the form. */
export interface CustomizeState {
  /** The rows, once the workflow's inputs have been asked for (null until then). */
  items: EditorItem[] | null
  loadError: Failure | null
  /** Bumped by "Try again": the dialog asks for the workflow's inputs again. */
  loadTry: number
  paste: string
  importing: boolean
  importError: Failure | null
  /** What the last import brought in, in words. */
  imported: string | null
  newField: NewField
  addError: string | null
  busy: 'save' | 'reset' | null
  saveError: Failure | null
  /** A refusal that names a row's field, shown on that row until it is edited. */
  rowErrors: Record<string, string>
  /** Why Save did nothing (defaults that do not parse). */
  hint: string | null
}

export type CustomizeAction =
  | { type: 'candidates'; current: readonly InputField[]; candidates: readonly InputField[] | null; error: Failure | null }
  | { type: 'retryLoad' }
  | { type: 'editItem'; id: string; change: Partial<Omit<EditorItem, 'field'>> }
  | { type: 'editField'; id: string; change: Partial<InputField> }
  | { type: 'move'; index: number; by: -1 | 1 }
  | { type: 'paste'; text: string }
  | { type: 'importStarted' }
  | { type: 'importFailed'; error: Failure }
  | { type: 'imported'; fields: readonly InputField[] }
  | { type: 'newField'; change: Partial<NewField> }
  | { type: 'added'; field: InputField }
  | { type: 'addRefused'; message: string }
  | { type: 'saveBlocked'; hint: string }
  | { type: 'busy'; busy: 'save' | 'reset' }
  | { type: 'saveFailed'; error: Failure }
  | { type: 'resetFailed'; error: Failure }

const emptyNewField: NewField = { name: '', label: '', kind: null, defaultText: '' }

export const initialCustomizeState: CustomizeState = {
  items: null,
  loadError: null,
  loadTry: 0,
  paste: '',
  importing: false,
  importError: null,
  imported: null,
  newField: emptyNewField,
  addError: null,
  busy: null,
  saveError: null,
  rowErrors: {},
  hint: null,
}

/** The kind a field typed by name is added as: the one picked, else the guess from its name. */
export const newFieldKind = (draft: NewField): FieldKind => draft.kind ?? guessKind(draft.name)

/** The field "Add field" makes of what is typed, or why it cannot. */
export function fieldByName(draft: NewField, items: readonly EditorItem[]): { ok: true; field: InputField } | { ok: false; message: string } {
  const id = draft.name.trim()
  if (id === '') return { ok: false, message: 'Type the input’s name, as the request body spells it (e.g. prompt).' }
  if (items.some((i) => i.field.id === id)) return { ok: false, message: `“${id}” is already in the list: check it there.` }
  const kind = newFieldKind(draft)
  const parsed = parseDefault(kind, draft.defaultText)
  if (!parsed.ok) return { ok: false, message: parsed.message }
  return { ok: true, field: { id, label: draft.label.trim() || humanize(id), kind, description: '', defaultValue: parsed.value, required: false } }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`

/** A row edited: its own refusal and the Save hint no longer apply. */
function editRow(state: CustomizeState, id: string, change: (item: EditorItem) => EditorItem): CustomizeState {
  const { [id]: _cleared, ...rowErrors } = state.rowErrors
  return {
    ...state,
    items: state.items === null ? null : state.items.map((i) => (i.field.id === id ? change(i) : i)),
    rowErrors: id in state.rowErrors ? rowErrors : state.rowErrors,
    hint: null,
  }
}

/** The dialog's state after one thing happened: pure, so every step can be tested without a DOM. */
export function customizeReducer(state: CustomizeState, action: CustomizeAction): CustomizeState {
  switch (action.type) {
    case 'candidates':
      return {
        ...state,
        // A retry adds what the first answer lacked, and keeps what the user already shaped.
        items: state.items === null ? initialItems(action.current, action.candidates) : addCandidates(state.items, action.candidates),
        loadError: action.error,
      }
    case 'retryLoad':
      return { ...state, loadTry: state.loadTry + 1 }
    case 'editItem':
      return editRow(state, action.id, (item) => ({ ...item, ...action.change }))
    case 'editField':
      return editRow(state, action.id, (item) => ({ ...item, field: { ...item.field, ...action.change } }))
    case 'move':
      return state.items === null ? state : { ...state, items: moveItem(state.items, action.index, action.by) }
    case 'paste':
      return { ...state, paste: action.text, importError: null }
    case 'importStarted':
      return { ...state, importing: true, importError: null, imported: null }
    case 'importFailed':
      return { ...state, importing: false, importError: action.error }
    case 'imported':
      return {
        ...state,
        importing: false,
        items: importItems(state.items ?? [], action.fields),
        loadError: null,
        imported: `Loaded ${plural(action.fields.length, 'input')} from the workflow: check the ones to show.`,
      }
    case 'newField':
      return { ...state, newField: { ...state.newField, ...action.change }, addError: null }
    case 'added':
      return {
        ...state,
        items: [...(state.items ?? []), { field: action.field, checked: true, byName: true, defaultText: state.newField.defaultText }],
        newField: emptyNewField,
        addError: null,
        hint: null,
      }
    case 'addRefused':
      return { ...state, addError: action.message }
    case 'saveBlocked':
      return { ...state, hint: action.hint }
    case 'busy':
      return { ...state, busy: action.busy, saveError: null, hint: null }
    case 'saveFailed': {
      const field = action.error.field
      const named = field !== undefined && (state.items ?? []).some((i) => i.field.id === field)
      return { ...state, busy: null, saveError: action.error, rowErrors: named ? { [field]: action.error.message } : {} }
    }
    case 'resetFailed':
      return { ...state, busy: null, saveError: action.error }
  }
}
