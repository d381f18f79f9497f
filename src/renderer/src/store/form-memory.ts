import { ProviderId } from '@shared/run'
import type { Draft, DraftValue } from './form-model'

/** What the Generate view remembers between sessions (localStorage). */
export interface FormMemory {
  provider: ProviderId | null
  lastDeployment: Partial<Record<ProviderId, string>>
  drafts: Record<string, Draft>
}

const KEY = 'comfy-courier.generate.v1'
const MAX_DRAFTS = 30
/** Longer values (a file inlined as a data URI) are not remembered: localStorage holds a few MB in all. */
const MAX_VALUE_CHARS = 64 * 1024

export const emptyMemory = (): FormMemory => ({ provider: null, lastDeployment: {}, drafts: {} })

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function readDraft(raw: unknown): Draft | null {
  if (!isRecord(raw) || !isRecord(raw.values)) return null
  const values: Record<string, DraftValue> = {}
  for (const [k, v] of Object.entries(raw.values)) if (typeof v === 'string' || typeof v === 'boolean') values[k] = v
  const randomEachRun: Record<string, boolean> = {}
  if (isRecord(raw.randomEachRun)) {
    for (const [k, v] of Object.entries(raw.randomEachRun)) if (typeof v === 'boolean') randomEachRun[k] = v
  }
  return { values, randomEachRun }
}

/** Reads what was remembered; anything unreadable is dropped, never trusted. */
export function loadMemory(storage: Storage | null): FormMemory {
  const memory = emptyMemory()
  if (storage === null) return memory
  let raw: unknown
  try {
    raw = JSON.parse(storage.getItem(KEY) ?? 'null')
  } catch {
    return memory
  }
  if (!isRecord(raw)) return memory
  const provider = ProviderId.safeParse(raw.provider)
  if (provider.success) memory.provider = provider.data
  if (isRecord(raw.lastDeployment)) {
    for (const [k, v] of Object.entries(raw.lastDeployment)) {
      const p = ProviderId.safeParse(k)
      if (p.success && typeof v === 'string') memory.lastDeployment[p.data] = v
    }
  }
  if (isRecord(raw.drafts)) {
    for (const [k, v] of Object.entries(raw.drafts)) {
      const draft = readDraft(v)
      if (draft !== null) memory.drafts[k] = draft
    }
  }
  return memory
}

export function saveMemory(storage: Storage | null, memory: FormMemory): void {
  if (storage === null) return
  // Most recently touched drafts are written last by the slice; keep the newest ones.
  const entries = Object.entries(memory.drafts)
    .slice(-MAX_DRAFTS)
    .map(([key, draft]): [string, Draft] => [
      key,
      { ...draft, values: Object.fromEntries(Object.entries(draft.values).filter(([, v]) => typeof v !== 'string' || v.length <= MAX_VALUE_CHARS)) },
    ])
  try {
    storage.setItem(KEY, JSON.stringify({ ...memory, drafts: Object.fromEntries(entries) }))
  } catch {
    // Storage full or disabled: the form still works, it just will not be remembered.
  }
}
