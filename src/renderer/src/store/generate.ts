import type { ProviderInfo } from '@shared/contract'
import { seedField, type Deployment } from '@shared/deployment'
import type { Failure } from '@shared/result'
import type { InputValues, ProviderId } from '@shared/run'
import { buildInputs, draftFromInputs, draftKey, emptyDraft, randomSeed, valueOf, type Draft } from './form-model'
import { loadMemory, saveMemory } from './form-memory'
import { settingsFromFile } from './settings-from-file'
import type { CourierState, GenerateSlice, SliceContext } from './types'

/** Generate's "Variations": how many runs one press submits (a batch when more than one). */
export const MAX_VARIATIONS = 16
export const clampVariations = (n: number): number => (Number.isFinite(n) ? Math.min(MAX_VARIATIONS, Math.max(1, Math.round(n))) : 1)
/** What is wrong with a number of variations, in words, or null: the limit is said, never applied silently. */
export const variationsError = (n: number): string | null =>
  Number.isInteger(n) && n >= 1 && n <= MAX_VARIATIONS ? null : `You can make 1 to ${MAX_VARIATIONS} variations at a time.`

/** Whether main can vary a deployment's seed: it finds the seed input by the same rule. */
export const hasSeedInput = (deployment: Deployment): boolean => seedField(deployment.inputs) !== undefined

/** The deployment the form is showing, if its list has loaded. */
export function selectedDeployment(state: CourierState): Deployment | null {
  const g = state.generate
  if (g.provider === null || g.deploymentId === null) return null
  return g.deployments[g.provider]?.items.find((d) => d.id === g.deploymentId) ?? null
}

/** The draft of the deployment the form is showing. */
export function currentDraft(state: CourierState): Draft | undefined {
  const g = state.generate
  if (g.provider === null || g.deploymentId === null) return undefined
  return g.drafts[draftKey(g.provider, g.deploymentId)]
}

/** The "still uploading" notices submit made, so an upload that ends can take its own notice away. */
const uploadWaits = new WeakSet<Failure>()
export const isUploadWait = (failure: Failure | null): boolean => failure !== null && uploadWaits.has(failure)

/**
 * The input an error's `field` names. Ids are compared whole, never split, since RunComfy's contain dots and
 * colons (`6.text`, `38:42.seed`); a path into the args (`inputs.6.text`) is accepted too.
 */
export function fieldNamedBy(deployment: Deployment, field: string | undefined): string | null {
  if (field === undefined) return null
  if (deployment.inputs.some((f) => f.id === field)) return field
  const inner = field.startsWith('inputs.') ? field.slice('inputs.'.length) : null
  return inner !== null && deployment.inputs.some((f) => f.id === inner) ? inner : null
}

/** The remembered provider if it can run, else the demo, else the first one with a key. */
function pickProvider(providers: ProviderInfo[], wanted: ProviderId | null): ProviderId | null {
  const usable = providers.filter((p) => p.configured)
  if (wanted !== null && usable.some((p) => p.id === wanted)) return wanted
  return (usable.find((p) => p.demo) ?? usable[0])?.id ?? null
}

export function createGenerateSlice({ get, patch, deps }: SliceContext): GenerateSlice {
  const memory = loadMemory(deps.storage)
  const deploymentRequests: Partial<Record<ProviderId, number>> = {}
  /** Deployments received (a form saved or reset) while a list fetch was under way: they win over its copies. */
  const receivedDuringLoad: Partial<Record<ProviderId, Map<string, Deployment>>> = {}

  const remember = (): void => {
    const g = get().generate
    saveMemory(deps.storage, { provider: g.provider, lastDeployment: g.lastDeployment, drafts: g.drafts })
  }

  /** Puts a deployment and its exact inputs in the form (a past run, or a file's own record) and shows it. */
  const fillWith = (source: { provider: ProviderId; deploymentId: string; inputs: InputValues }): void => {
    const g = get().generate
    const key = draftKey(source.provider, source.deploymentId)
    const { [key]: _old, ...others } = g.drafts
    patch('generate', {
      provider: source.provider,
      deploymentId: source.deploymentId,
      lastDeployment: { ...g.lastDeployment, [source.provider]: source.deploymentId },
      drafts: { ...others, [key]: draftFromInputs(source.inputs) },
      ...clearFeedback,
    })
    remember()
    get().nav.go('generate')
    void get().generate.loadDeployments(source.provider)
  }

  /** Replaces the current deployment's draft, moving it to the end so the newest drafts are kept. */
  const updateDraft = (change: (draft: Draft) => Draft): void => {
    const g = get().generate
    if (g.provider === null || g.deploymentId === null) return
    const key = draftKey(g.provider, g.deploymentId)
    const { [key]: current, ...others } = g.drafts
    patch('generate', { drafts: { ...others, [key]: change(current ?? emptyDraft()) } })
    remember()
  }

  const fieldOf = (fieldId: string) => selectedDeployment(get())?.inputs.find((f) => f.id === fieldId)

  const clearFeedback = { showErrors: false, submitError: null, serverFieldErrors: {} } as const
  /** The toast of the last refused submit, if one is showing. */
  let failureToast: number | null = null

  return {
    providers: [],
    providersStatus: 'idle',
    providersError: null,
    provider: memory.provider,
    deploymentId: memory.provider === null ? null : (memory.lastDeployment[memory.provider] ?? null),
    lastDeployment: memory.lastDeployment,
    deployments: {},
    drafts: memory.drafts,
    showErrors: false,
    submitting: false,
    variations: 1,
    submitError: null,
    serverFieldErrors: {},

    async loadProviders() {
      patch('generate', { providersStatus: 'loading' })
      const res = await deps.courier.invoke('providers.list', {})
      if (!res.ok) {
        patch('generate', { providersStatus: 'error', providersError: res.error })
        return
      }
      patch('generate', { providers: res.value, providersStatus: 'loaded', providersError: null })
      const g = get().generate
      const provider = pickProvider(res.value, g.provider)
      if (provider === null) patch('generate', { provider: null, deploymentId: null })
      else if (provider !== g.provider || g.deployments[provider]?.status !== 'loaded') await g.selectProvider(provider)
    },

    async selectProvider(provider) {
      const g = get().generate
      if (provider !== g.provider) {
        patch('generate', { provider, deploymentId: g.lastDeployment[provider] ?? null, ...clearFeedback })
        remember()
      }
      await get().generate.loadDeployments(provider)
    },

    async loadDeployments(provider) {
      const seq = (deploymentRequests[provider] ?? 0) + 1
      deploymentRequests[provider] = seq
      const received = new Map<string, Deployment>()
      receivedDuringLoad[provider] = received
      patch('generate', (g) => ({
        deployments: { ...g.deployments, [provider]: { status: 'loading', items: g.deployments[provider]?.items ?? [], error: null } },
      }))
      const res = await deps.courier.invoke('deployments.list', { provider })
      if (deploymentRequests[provider] !== seq) return
      delete receivedDuringLoad[provider]
      patch('generate', (g) => ({
        deployments: {
          ...g.deployments,
          [provider]: res.ok
            ? { status: 'loaded', items: res.value.map((d) => received.get(d.id) ?? d), error: null }
            : { status: 'error', items: g.deployments[provider]?.items ?? [], error: res.error },
        },
      }))
      if (res.ok) get().settings.keyWorked(provider)
      const g = get().generate
      if (!res.ok || g.provider !== provider) return
      if (g.deploymentId !== null && res.value.some((d) => d.id === g.deploymentId)) return
      const remembered = g.lastDeployment[provider]
      const next = res.value.find((d) => d.id === remembered) ?? res.value[0]
      patch('generate', { deploymentId: next?.id ?? null })
    },

    selectDeployment(deploymentId) {
      const g = get().generate
      if (g.provider === null) return
      patch('generate', { deploymentId, lastDeployment: { ...g.lastDeployment, [g.provider]: deploymentId }, ...clearFeedback })
      remember()
    },

    setValue(fieldId, value) {
      updateDraft((d) => ({ ...d, values: { ...d.values, [fieldId]: value } }))
      const errors = get().generate.serverFieldErrors
      if (fieldId in errors) {
        const { [fieldId]: _cleared, ...rest } = errors
        patch('generate', { serverFieldErrors: rest })
      }
    },

    applyValue(target, field, change) {
      const key = draftKey(target.provider, target.deploymentId)
      const { [key]: current, ...others } = get().generate.drafts
      const draft = current ?? emptyDraft()
      const next = change(valueOf(field, draft))
      patch('generate', { drafts: { ...others, [key]: { ...draft, values: { ...draft.values, [field.id]: next } } } })
      remember()
      const g = get().generate
      if (g.provider === target.provider && g.deploymentId === target.deploymentId && field.id in g.serverFieldErrors) {
        const { [field.id]: _cleared, ...rest } = g.serverFieldErrors
        patch('generate', { serverFieldErrors: rest })
      }
    },

    randomizeSeed(fieldId) {
      const field = fieldOf(fieldId)
      if (field === undefined) return
      get().generate.setValue(fieldId, String(randomSeed(field, deps.random)))
    },

    setRandomEachRun(fieldId, on) {
      updateDraft((d) => ({ ...d, randomEachRun: { ...d.randomEachRun, [fieldId]: on } }))
    },

    resetDraft() {
      const g = get().generate
      if (g.provider === null || g.deploymentId === null) return () => {}
      const key = draftKey(g.provider, g.deploymentId)
      const { [key]: dropped, ...drafts } = g.drafts
      get().uploads.clearForm()
      patch('generate', { drafts, ...clearFeedback })
      remember()
      // Undo puts the draft back as it was (uploaded files too: the draft holds their values).
      return () => {
        if (dropped === undefined) return
        patch('generate', (now) => ({ drafts: { ...now.drafts, [key]: dropped } }))
        remember()
      }
    },

    async submit() {
      const state = get()
      const g = state.generate
      const deployment = selectedDeployment(state)
      if (g.submitting || g.provider === null || deployment === null) return null
      const provider = g.provider

      // Seeds set to "random each run" are rolled now, and the form shows the value that is sent.
      for (const field of deployment.inputs) {
        if (field.kind === 'seed' && currentDraft(get())?.randomEachRun[field.id]) get().generate.randomizeSeed(field.id)
      }
      const uploading = get().uploads.items.find((u) => u.status === 'uploading' && u.provider === provider && u.deploymentId === deployment.id)
      if (uploading !== undefined) {
        const wait: Failure = { code: 'CONFLICT', message: `${uploading.fileName} is still uploading: generate once it is done.` }
        uploadWaits.add(wait)
        patch('generate', { submitError: wait, serverFieldErrors: {} })
        return null
      }
      const { inputs, errors } = buildInputs(deployment.inputs, currentDraft(get()))
      const tooMany = hasSeedInput(deployment) && variationsError(get().generate.variations) !== null
      if (Object.keys(errors).length > 0 || tooMany) {
        patch('generate', { showErrors: true, submitError: null, serverFieldErrors: {} })
        return null
      }

      patch('generate', { submitting: true, submitError: null, serverFieldErrors: {} })
      // A new attempt answers for itself: the last one's failure toast goes.
      if (failureToast !== null) get().toasts.dismiss(failureToast)
      failureToast = null
      // Variations differ by their seed: a deployment without a seed input gets one run.
      const count = hasSeedInput(deployment) ? clampVariations(get().generate.variations) : 1
      const target = { provider, deploymentId: deployment.id, inputs }
      const withConsent = <T extends object>(args: T, confirmUsd: number | undefined): T => (confirmUsd === undefined ? args : { ...args, confirmUsd })
      // Through the spend check: a submit main asks to confirm is asked of the user, and sent again if agreed.
      const res = await get().spend.submitWithSpendCheck(
        { what: count > 1 ? `Generate ${count} runs of ${deployment.name}` : `Generate a run of ${deployment.name}`, provider, deploymentId: deployment.id, count },
        (confirmUsd) =>
          count > 1
            ? deps.courier.invoke('runs.submitBatch', withConsent({ ...target, count }, confirmUsd))
            : deps.courier.invoke('runs.submit', withConsent(target, confirmUsd)).then((r) => (r.ok ? { ok: true as const, value: [r.value] } : r)),
      )
      if (res === null) {
        // Declined: nothing was sent, nothing to say.
        patch('generate', { submitting: false })
        return null
      }
      if (!res.ok) {
        const field = fieldNamedBy(deployment, res.error.field)
        patch('generate', {
          submitting: false,
          submitError: field === null ? res.error : { ...res.error, field },
          serverFieldErrors: field === null ? {} : { [field]: res.error.message },
        })
        // A refusal not about one input is also a toast, which offers the next step (Open Settings, Retry)
        // wherever the user has scrolled; one about an input is shown under that input.
        if (field === null) {
          failureToast = get().toasts.failure(count > 1 ? 'Could not start the batch' : 'Could not start the run', res.error, () => void get().generate.submit())
        }
        return null
      }
      patch('generate', { submitting: false, showErrors: false })
      for (const run of res.value) get().runs.receive(run)
      // The month moved on: the estimate beside the button says where it stands now.
      void get().spend.loadQuote(provider, deployment.id, count)
      return res.value[0] ?? null
    },

    setVariations(count) {
      // Kept as typed (rounded), so a number over the limit is shown as an error rather than changed.
      patch('generate', { variations: Number.isFinite(count) ? Math.round(count) : 1 })
    },

    reuse(run) {
      fillWith(run)
    },

    applyFileSettings(data, from) {
      const toast = get().toasts.show
      if (data.grid !== undefined) {
        // A grid image: its deployment and fixed inputs in the form, its axes in the grid editor.
        fillWith({ provider: data.grid.provider, deploymentId: data.grid.deploymentId, inputs: data.grid.inputs })
        get().grids.restore(data.grid)
        const n = data.grid.axes.length
        toast({ tone: 'info', text: `The grid of ${from} is set up again: its deployment, its fixed inputs and its ${n === 1 ? 'axis' : `${n} axes`}.` })
        return
      }
      if (data.restore !== null) {
        // The settings of one run: Generate makes one run again.
        get().grids.setMode('one')
        fillWith(data.restore)
        toast({ tone: 'info', text: `The settings of ${from} are back: the deployment it was made with, and every input as it was.` })
        return
      }
      if (data.source === null) {
        toast({ tone: 'error', text: `${from} holds no generation data: no prompt, seed or workflow was written into it.` })
        return
      }
      const deployment = selectedDeployment(get())
      if (deployment === null) {
        toast({ tone: 'error', text: `Choose a deployment in Generate first: the settings of ${from} go into its form.` })
        return
      }
      const { values, filled, notInForm } = settingsFromFile(deployment.inputs, data)
      for (const [fieldId, value] of Object.entries(values)) get().generate.setValue(fieldId, value)
      get().nav.go('generate')
      const left = notInForm.length === 0 ? '' : ` Not in this form: ${notInForm.join(', ')}.`
      if (filled.length === 0) toast({ tone: 'error', text: `Nothing in ${from} matches a field of ${deployment.name}.${left}` })
      else toast({ tone: 'info', text: `Filled ${listText(filled)} from ${from}.${left}` })
    },

    formCandidates({ provider, deploymentId }, workflowApiJson) {
      return deps.courier.invoke(
        'forms.candidates',
        workflowApiJson === undefined ? { provider, deploymentId } : { provider, deploymentId, workflowApiJson },
      )
    },

    async saveForm({ provider, deploymentId }, fields) {
      const res = await deps.courier.invoke('forms.save', { provider, deploymentId, fields })
      if (res.ok) get().generate.receiveDeployment(res.value)
      return res
    },

    async resetForm({ provider, deploymentId }) {
      const res = await deps.courier.invoke('forms.reset', { provider, deploymentId })
      if (res.ok) get().generate.receiveDeployment(res.value)
      return res
    },

    receiveDeployment(deployment) {
      receivedDuringLoad[deployment.provider]?.set(deployment.id, deployment)
      patch('generate', (g) => {
        const list = g.deployments[deployment.provider]
        if (list === undefined) return {}
        const known = list.items.some((d) => d.id === deployment.id)
        const items = known ? list.items.map((d) => (d.id === deployment.id ? deployment : d)) : [...list.items, deployment]
        return { deployments: { ...g.deployments, [deployment.provider]: { ...list, items } } }
      })
      // The form's fields changed under any messages about the old ones.
      const g = get().generate
      if (g.provider === deployment.provider && g.deploymentId === deployment.id) patch('generate', clearFeedback)
    },
  }
}

/** "Prompt", "Prompt and Seed", "Prompt, Seed and Steps". */
function listText(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}
