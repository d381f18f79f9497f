import { useRef, useState, type FormEvent, type RefObject } from 'react'
import type { Failure } from '@shared/result'
import type { SettingsPatch, SettingsView } from '@shared/settings'
import { useCourier } from '../../store/context'
import { diffSettings, toForm, validateSettings, type SettingsForm, type SettingsFormErrors } from './settings-form'
import { services, type KeyedProvider, type Service } from './services'

export type SaveFeedback = { kind: 'saved'; text: string } | { kind: 'error'; error: Failure } | null

export interface SettingsEditor {
  form: SettingsForm
  errors: SettingsFormErrors
  saving: boolean
  feedback: SaveFeedback
  /** Something differs from what main has: a box edited, or a key or token typed. */
  dirty: boolean
  change<K extends keyof SettingsForm>(key: K, value: SettingsForm[K]): void
  keyRefs: Record<KeyedProvider, RefObject<HTMLInputElement | null>>
  keyTyped: Record<KeyedProvider, boolean>
  typeKey(service: Service, typed: boolean): void
  removeKey(service: Service): void
  tokenRef: RefObject<HTMLInputElement | null>
  typeToken(typed: boolean): void
  removeToken(): void
  submit(e: FormEvent): void
  /** Settings a flag or the environment fixes (by `SettingsPatch` name): shown disabled, naming the source. */
  fixed: NonNullable<SettingsView['fixed']>
}

const noneTyped: Record<KeyedProvider, boolean> = { comfydeploy: false, runcomfy: false }

/**
 * The Settings form's state and its saving: boxes as typed, their errors, and what the last save said.
 * Keys and the ngrok token are read from their boxes on save and cleared right after: they never live in
 * React or store state.
 */
export function useSettingsEditor(settings: SettingsView): SettingsEditor {
  const save = useCourier((s) => s.settings.save)
  const [form, setForm] = useState<SettingsForm>(() => toForm(settings))
  const [errors, setErrors] = useState<SettingsFormErrors>({})
  const [saving, setSaving] = useState(false)
  const [feedback, setFeedback] = useState<SaveFeedback>(null)
  const cdKey = useRef<HTMLInputElement>(null)
  const rcKey = useRef<HTMLInputElement>(null)
  const keyRefs: Record<KeyedProvider, RefObject<HTMLInputElement | null>> = { comfydeploy: cdKey, runcomfy: rcKey }
  const [keyTyped, setKeyTyped] = useState<Record<KeyedProvider, boolean>>(noneTyped)
  const tokenRef = useRef<HTMLInputElement>(null)
  const [tokenTyped, setTokenTyped] = useState(false)

  const change = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }))
    setErrors((e) => ({ ...e, [key]: undefined }))
    setFeedback(null)
    // The token box goes away with ngrok mode, and what was typed in it.
    if (key === 'tunnelMode') setTokenTyped(false)
  }

  const apply = async (patch: SettingsPatch, done: string) => {
    setSaving(true)
    const res = await save(patch)
    setSaving(false)
    if (!res.ok) {
      const field = res.error.field
      if (field !== undefined) setErrors((e) => ({ ...e, [field]: res.error.message }))
      setFeedback({ kind: 'error', error: res.error })
      return
    }
    setForm(toForm(res.value))
    // Clear the boxes of the keys this patch carried (a removal leaves a key typed elsewhere alone).
    const sent = services.filter((svc) => patch[svc.keyPatch] !== undefined)
    sent.forEach((svc) => {
      const box = keyRefs[svc.id].current
      if (box) box.value = ''
    })
    setKeyTyped((t) => ({ ...t, ...Object.fromEntries(sent.map((svc) => [svc.id, false])) }))
    if (patch.ngrokAuthtoken !== undefined) {
      if (tokenRef.current) tokenRef.current.value = ''
      setTokenTyped(false)
    }
    setErrors({})
    setFeedback({ kind: 'saved', text: done })
  }

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const problems = validateSettings(form)
    const token = tokenRef.current?.value.trim() ?? ''
    if (form.tunnelMode === 'ngrok' && !settings.ngrok.authtokenSet && token === '') {
      problems.ngrokAuthtoken = 'ngrok needs your authtoken: copy it from dashboard.ngrok.com → Your Authtoken.'
    }
    setErrors(problems)
    if (Object.keys(problems).length > 0) {
      setFeedback(null)
      return
    }
    const patch = diffSettings(settings, form)
    for (const svc of services) {
      const key = keyRefs[svc.id].current?.value.trim() ?? ''
      if (keyTyped[svc.id] && key !== '') patch[svc.keyPatch] = key
    }
    if (form.tunnelMode === 'ngrok' && tokenTyped && token !== '') patch.ngrokAuthtoken = token
    if (Object.keys(patch).length === 0) {
      setFeedback({ kind: 'saved', text: 'Nothing to save — no changes.' })
      return
    }
    void apply(patch, 'Settings saved.')
  }

  return {
    form,
    errors,
    saving,
    feedback,
    dirty: keyTyped.comfydeploy || keyTyped.runcomfy || tokenTyped || Object.keys(diffSettings(settings, form)).length > 0,
    change,
    keyRefs,
    keyTyped,
    typeKey(service, typed) {
      setKeyTyped((t) => ({ ...t, [service.id]: typed }))
      setErrors((e) => ({ ...e, [service.keyPatch]: undefined }))
      setFeedback(null)
    },
    removeKey: (service) => void apply({ [service.keyPatch]: '' }, 'Key removed.'),
    tokenRef,
    typeToken(typed) {
      setTokenTyped(typed)
      setErrors((e) => ({ ...e, ngrokAuthtoken: undefined }))
      setFeedback(null)
    },
    removeToken: () => void apply({ ngrokAuthtoken: '' }, 'ngrok authtoken removed.'),
    submit,
    fixed: settings.fixed ?? {},
  }
}
