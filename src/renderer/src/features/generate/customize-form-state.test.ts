import { describe, expect, it } from 'vitest'
import type { InputField } from '@shared/deployment'
import { customizeReducer, fieldByName, initialCustomizeState, newFieldKind, type CustomizeAction, type CustomizeState } from './customize-form-state'

const field = (id: string, extra: Partial<InputField> = {}): InputField => ({ id, label: id, kind: 'text', description: '', defaultValue: null, required: false, ...extra })

const run = (...actions: CustomizeAction[]): CustomizeState => actions.reduce(customizeReducer, initialCustomizeState)
const ids = (state: CustomizeState) => state.items?.map((i) => i.field.id)
const checked = (state: CustomizeState) => state.items?.filter((i) => i.checked).map((i) => i.field.id)

const loaded: CustomizeAction = { type: 'candidates', current: [field('prompt')], candidates: [field('prompt'), field('seed', { kind: 'seed' })], error: null }

describe('the Customize form dialog’s state', () => {
  it('starts from the form’s fields, checked, then the other candidates; a retry adds what the first answer lacked', () => {
    const failed = run({ type: 'candidates', current: [field('prompt')], candidates: null, error: { code: 'PROVIDER_UNAVAILABLE', message: 'HTTP 503' } })
    expect(ids(failed)).toEqual(['prompt'])
    expect(failed.loadError?.code).toBe('PROVIDER_UNAVAILABLE')

    const edited = customizeReducer(failed, { type: 'editField', id: 'prompt', change: { label: 'Scene' } })
    const retried = customizeReducer(customizeReducer(edited, { type: 'retryLoad' }), loaded)
    expect(retried.loadTry).toBe(1)
    expect(ids(retried)).toEqual(['prompt', 'seed'])
    expect(checked(retried)).toEqual(['prompt'])
    expect(retried.items?.[0]?.field.label).toBe('Scene')
    expect(retried.loadError).toBeNull()
  })

  it('editing a row clears its refusal and the Save hint, and leaves other rows’ alone', () => {
    const refused = run(loaded, { type: 'busy', busy: 'save' }, { type: 'saveFailed', error: { code: 'BAD_INPUT', message: 'taken', field: 'seed' } })
    expect(refused.rowErrors).toEqual({ seed: 'taken' })
    expect(refused.busy).toBeNull()
    const blocked = customizeReducer(refused, { type: 'saveBlocked', hint: 'Fix the highlighted defaults to save.' })
    expect(customizeReducer(blocked, { type: 'editItem', id: 'prompt', change: { checked: false } })).toMatchObject({ rowErrors: { seed: 'taken' }, hint: null })
    const fixed = customizeReducer(blocked, { type: 'editItem', id: 'seed', change: { defaultText: '5' } })
    expect(fixed.rowErrors).toEqual({})
    expect(fixed.items?.[1]?.defaultText).toBe('5')
  })

  it('a refusal naming no listed field stays in the footer only; a failed reset keeps the rows’ refusals', () => {
    const unnamed = run(loaded, { type: 'busy', busy: 'save' }, { type: 'saveFailed', error: { code: 'INTERNAL', message: 'disk', field: 'elsewhere' } })
    expect(unnamed.rowErrors).toEqual({})
    expect(unnamed.saveError?.message).toBe('disk')
    const named = run(loaded, { type: 'saveFailed', error: { code: 'BAD_INPUT', message: 'taken', field: 'seed' } })
    const reset = customizeReducer(customizeReducer(named, { type: 'busy', busy: 'reset' }), { type: 'resetFailed', error: { code: 'INTERNAL', message: 'x' } })
    expect(reset).toMatchObject({ busy: null, rowErrors: { seed: 'taken' }, saveError: { message: 'x' } })
  })

  it('moves rows up and down, not past the ends', () => {
    const down = run(loaded, { type: 'move', index: 0, by: 1 })
    expect(ids(down)).toEqual(['seed', 'prompt'])
    expect(ids(customizeReducer(down, { type: 'move', index: 0, by: -1 }))).toEqual(['seed', 'prompt'])
  })

  it('imports a workflow: its inputs replace the list, and says how many it brought', () => {
    const started = run(loaded, { type: 'importFailed', error: { code: 'BAD_INPUT', message: 'old' } }, { type: 'importStarted' })
    expect(started).toMatchObject({ importing: true, importError: null, imported: null })
    const done = customizeReducer(started, { type: 'imported', fields: [field('3.steps', { kind: 'integer' }), field('prompt')] })
    expect(ids(done)).toEqual(['3.steps', 'prompt'])
    expect(checked(done)).toEqual(['prompt'])
    expect(done.imported).toBe('Loaded 2 inputs from the workflow: check the ones to show.')
    expect(done.importing).toBe(false)
    expect(customizeReducer(done, { type: 'imported', fields: [field('a')] }).imported).toBe('Loaded 1 input from the workflow: check the ones to show.')
  })

  it('typing JSON clears the last import error', () => {
    const failed = run({ type: 'importFailed', error: { code: 'PROVIDER_VALIDATION', message: 'not a workflow' } })
    expect(customizeReducer(failed, { type: 'paste', text: '{' })).toMatchObject({ paste: '{', importError: null })
  })

  it('adds a field typed by name, checked at the end, and empties the boxes', () => {
    const typed = run(loaded, { type: 'newField', change: { name: 'lora_scale', defaultText: '0.8' } })
    expect(newFieldKind(typed.newField)).toBe('number')
    const made = fieldByName(typed.newField, typed.items ?? [])
    if (!made.ok) throw new Error(made.message)
    expect(made.field).toEqual({ id: 'lora_scale', label: 'Lora scale', kind: 'number', description: '', defaultValue: 0.8, required: false })
    const added = customizeReducer(typed, { type: 'added', field: made.field })
    expect(added.items?.at(-1)).toEqual({ field: made.field, checked: true, byName: true, defaultText: '0.8' })
    expect(added.newField).toEqual(initialCustomizeState.newField)
  })

  it('refuses a name that is empty or already listed, or a default that does not fit the kind', () => {
    const items = run(loaded).items ?? []
    const draft = { name: '', label: '', kind: null, defaultText: '' }
    expect(fieldByName(draft, items)).toEqual({ ok: false, message: 'Type the input’s name, as the request body spells it (e.g. prompt).' })
    expect(fieldByName({ ...draft, name: ' seed ' }, items)).toEqual({ ok: false, message: '“seed” is already in the list: check it there.' })
    expect(fieldByName({ ...draft, name: 'steps', kind: 'integer', defaultText: '1.5' }, items)).toEqual({ ok: false, message: 'Enter a whole number, or leave it empty.' })
    const refused = run({ type: 'addRefused', message: 'no' })
    expect(customizeReducer(refused, { type: 'newField', change: { name: 'x' } }).addError).toBeNull()
  })

  it('a kind picked for a new field wins over the guess from its name', () => {
    expect(newFieldKind({ name: 'seed', label: '', kind: null, defaultText: '' })).toBe('seed')
    expect(newFieldKind({ name: 'seed', label: '', kind: 'text', defaultText: '' })).toBe('text')
  })
})
