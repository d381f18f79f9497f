import { randomBytes } from 'node:crypto'
import type { Deployment } from '@shared/deployment'
import { err, ok, type Result } from '@shared/result'
import { isTerminal, type InputValues, type ProviderId, type Run, type RunError, type RunId } from '@shared/run'
import type { Logger } from '../log/logger'
import type { ProviderRegistry } from '../providers/registry'
import { ProviderError, type ProviderClient, type RunSnapshot } from '../providers/types'
import { publicRun, type StoredRun } from '../store/runs-repo'
import type { SpendService } from '../spend/spend-service'
import type { RunLedger } from './run-ledger'
import { randomSeeds, seedField } from './seed'
import { validateInputs } from './validate-inputs'

export interface RunServiceDeps {
  /** The owner of run state: every change this service learns of is reported there. */
  ledger: RunLedger
  providers: ProviderRegistry
  /** The budget check every submit passes before anything is sent, and the pricing of what runs used. */
  spend: Pick<SpendService, 'authorize' | 'costOf' | 'afterCost'>
  log: Logger
  /** Where this provider should call us back, or null when no public URL is up (then we poll). */
  webhookBase(provider: ProviderClient): string | null
  /** Starts saving a succeeded run's outputs (idempotent per run). */
  saveOutputs(run: StoredRun, snapshot: RunSnapshot, provider: ProviderClient): void
  /** Asks the poller to look at a run soon (a submit whose answer was lost). */
  resolveSoon?: (runId: string) => void
  /** Told of a cancel the service could not take yet (the run not dispatched): asked again until it is (`PendingCancels`). */
  cancelPending?: (runId: string) => void
  /** How long a run whose queue answer was lost is looked for before it is given up (default 2 min). */
  lostSubmitWindowMs?: number
  now?: () => number
}

const LOST_SUBMIT_WINDOW_MS = 120_000

/** The webhook URL a run was (or would have been) given; null when it was polled from the start. */
function webhookUrlOf(run: StoredRun, client: ProviderClient): string | null {
  return run.webhookBase === null ? null : `${run.webhookBase}/hooks/${client.hookFamily}/${run.hookToken}`
}

const newRunId = () => `r_${randomBytes(9).toString('base64url')}` as RunId
const newBatchId = () => `b_${randomBytes(9).toString('base64url')}`
/** Queue calls of one batch in flight at once: quick, yet gentle on the service's rate limits. */
const BATCH_CONCURRENCY = 4
/** 128 bits of randomness: the only thing that authenticates a webhook (no provider signs them). */
const newHookToken = () => randomBytes(16).toString('base64url')

export function toRunError(error: unknown): RunError {
  if (error instanceof ProviderError) return { code: error.code, message: error.message, ...(error.details.field ? { field: error.details.field } : {}) }
  return { code: 'INTERNAL', message: (error as Error).message ?? String(error) }
}

/**
 * The provider calls of a run's life: submit (once, never retried), find a run whose answer was lost,
 * confirm with the service's GET, cancel. What each call learns is reported to the `RunLedger`, which
 * alone writes and announces run state.
 */
export class RunService {
  private readonly now: () => number
  /** Runs whose queue call is in flight (not yet lost, whatever their state says), and that call. */
  private readonly submitting = new Map<string, Promise<unknown>>()

  constructor(private readonly deps: RunServiceDeps) {
    this.now = deps.now ?? Date.now
  }

  /** The client and the deployment a submit goes to, or why there is none. */
  async target(provider: ProviderId, deploymentId: string): Promise<Result<{ client: ProviderClient; deployment: Deployment }>> {
    const client = this.deps.providers.get(provider)
    if (!client) return err('NOT_CONFIGURED', `${provider} has no API key yet`)
    let deployment
    try {
      deployment = await this.deps.providers.findDeployment(provider, deploymentId)
    } catch (error) {
      const failure = toRunError(error)
      return err(failure.code, failure.message)
    }
    if (!deployment) return err('NOT_FOUND', `deployment ${deploymentId} is not among ${client.label}'s deployments`)
    return ok({ client, deployment })
  }

  async submit(args: { provider: ProviderId; deploymentId: string; inputs: InputValues; confirmUsd?: number | undefined }): Promise<Result<Run>> {
    const target = await this.target(args.provider, args.deploymentId)
    if (!target.ok) return target
    const { client, deployment } = target.value
    const problem = validateInputs(deployment.inputs, args.inputs)
    if (problem) return err('BAD_INPUT', problem.message, problem.field)
    const spend = await this.deps.spend.authorize({ provider: client.id, deploymentId: deployment.id, count: 1, confirmUsd: args.confirmUsd })
    if (!spend.ok) return spend
    try {
      return (await this.queueRun(client, deployment, args.inputs, null, spend.value.perRunUsd)).result
    } finally {
      spend.value.release()
    }
  }

  /**
   * Variations: `count` runs of one form, each with its own random seed in the deployment's seed input,
   * all sharing a new batch id. Everything is checked once before the first run is sent; then each run
   * gets exactly one queue call, so at most `count` paid runs, and a run whose call fails fails alone.
   */
  async submitBatch(args: {
    provider: ProviderId
    deploymentId: string
    inputs: InputValues
    count: number
    confirmUsd?: number | undefined
  }): Promise<Result<Run[]>> {
    const target = await this.target(args.provider, args.deploymentId)
    if (!target.ok) return target
    const { client, deployment } = target.value
    const field = seedField(deployment.inputs)
    if (!field) return err('BAD_INPUT', `${deployment.name} has no seed input, so its variations would all be the same: submit a single run instead`)
    const seeds = randomSeeds(field, args.count)
    if (!seeds) return err('BAD_INPUT', `${field.label} does not allow ${args.count} different values`, field.id)
    // Every seed lies within the field's bounds, so one check stands for all the runs.
    const problem = validateInputs(deployment.inputs, { ...args.inputs, [field.id]: seeds[0]! })
    if (problem) return err('BAD_INPUT', problem.message, problem.field)
    // The whole batch is checked against the budget at once: all of it is confirmed, or none is sent.
    const spend = await this.deps.spend.authorize({ provider: client.id, deploymentId: deployment.id, count: args.count, confirmUsd: args.confirmUsd })
    if (!spend.ok) return spend
    const batchId = newBatchId()
    const runIds: string[] = new Array<string>(args.count)
    let next = 0
    const worker = async () => {
      while (next < args.count) {
        const index = next++
        const { runId } = await this.queueRun(client, deployment, { ...args.inputs, [field.id]: seeds[index]! }, batchId, spend.value.perRunUsd)
        runIds[index] = runId
      }
    }
    try {
      await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, args.count) }, worker))
    } finally {
      spend.value.release()
    }
    this.deps.log.info('batch submitted', { batchId, provider: client.id, count: args.count })
    return ok(runIds.map((id) => publicRun(this.deps.ledger.require(id))))
  }

  /** Submits a run's inputs again to its deployment, with the same seed or a new random one. */
  async rerun(id: RunId, seed: 'same' | 'new', confirmUsd?: number): Promise<Result<Run>> {
    const run = this.deps.ledger.get(id)
    if (!run) return err('NOT_FOUND', `no run ${id}`)
    const target = await this.target(run.provider, run.deploymentId)
    if (!target.ok) return target
    const { client, deployment } = target.value
    const inputs: InputValues = { ...run.inputs }
    if (seed === 'new') {
      const field = seedField(deployment.inputs)
      if (!field) return err('BAD_INPUT', `${deployment.name} has no seed input to change: run it again with the same inputs instead`)
      const current = inputs[field.id]
      const fresh = randomSeeds(field, 1, typeof current === 'number' ? current : undefined)
      if (!fresh) return err('BAD_INPUT', `${field.label} allows no other value`, field.id)
      inputs[field.id] = fresh[0]!
    }
    // The deployment may have changed since: its current form decides, as for any submit.
    const problem = validateInputs(deployment.inputs, inputs)
    if (problem) return err('BAD_INPUT', `${problem.message} (the deployment changed since this run)`, problem.field)
    const spend = await this.deps.spend.authorize({ provider: client.id, deploymentId: deployment.id, count: 1, confirmUsd })
    if (!spend.ok) return spend
    try {
      return (await this.queueRun(client, deployment, inputs, null, spend.value.perRunUsd)).result
    } finally {
      spend.value.release()
    }
  }

  /**
   * Inserts the run and makes its one queue call (never retried: the service has no idempotency key).
   * The run row exists whatever happens, so the answer always names it.
   */
  private async queueRun(
    client: ProviderClient,
    deployment: Deployment,
    inputs: InputValues,
    batchId: string | null,
    estimateUsd: number | null,
  ): Promise<{ runId: string; result: Result<Run> }> {
    const hookToken = newHookToken()
    const base = this.deps.webhookBase(client)
    const run = this.deps.ledger.create({
      id: newRunId(),
      provider: client.id,
      deploymentId: deployment.id,
      deploymentName: deployment.name,
      inputs,
      hookToken,
      webhookBase: base,
      batchId,
      seedInput: seedField(deployment.inputs)?.id ?? null,
      estimateUsd,
      now: this.now(),
    })
    return { runId: run.id, result: await this.send(run, client) }
  }

  /**
   * Records a run that waits in the provider's local queue (grid cells, prompt-list rows): it exists in
   * Runs at once, says why it waits, and is sent by `ProviderQueue` through `sendWaiting`. Nothing is sent here.
   */
  createWaiting(
    client: ProviderClient,
    deployment: Deployment,
    inputs: InputValues,
    opts: { batchId?: string | null; gridId?: string | null; estimateUsd: number | null; liveStatus: string },
  ): StoredRun {
    return this.deps.ledger.create({
      id: newRunId(),
      provider: client.id,
      deploymentId: deployment.id,
      deploymentName: deployment.name,
      inputs,
      hookToken: newHookToken(),
      // Decided when it is sent: the address of that moment is the one that will be up.
      webhookBase: null,
      batchId: opts.batchId ?? null,
      gridId: opts.gridId ?? null,
      seedInput: seedField(deployment.inputs)?.id ?? null,
      estimateUsd: opts.estimateUsd,
      waiting: true,
      liveStatus: opts.liveStatus,
      now: this.now(),
    })
  }

  /**
   * Sends a run that waited in the local queue (its one queue call, as for any run). It leaves the queue
   * synchronously, before the first await, so the queue counts it as active the moment it is picked. False
   * 'gone' when it is no longer waiting (cancelled meanwhile); 'blocked' when its provider is not configured
   * now (it stays waiting). `send` never rejects: a failed call fails the run.
   */
  sendWaiting(runId: string): { outcome: 'gone' | 'blocked' } | { outcome: 'sent'; done: Promise<Result<Run>> } {
    const run = this.deps.ledger.get(runId)
    // A run someone asked to cancel is never sent, whatever else its row says.
    if (!run || !run.waiting || run.status !== 'submitting' || run.cancelRequestedAt !== null) return { outcome: 'gone' }
    const client = this.deps.providers.get(run.provider)
    if (!client) return { outcome: 'blocked' }
    const sending = this.deps.ledger.change(run.id, { sent: { webhookBase: this.deps.webhookBase(client), at: this.now() } })
    return { outcome: 'sent', done: this.send(sending, client) }
  }

  private send(run: StoredRun, client: ProviderClient): Promise<Result<Run>> {
    const call = this.callQueue(run, client)
    this.submitting.set(run.id, call)
    return call
  }

  private async callQueue(run: StoredRun, client: ProviderClient): Promise<Result<Run>> {
    try {
      const { providerRunId } = await client.queue({ deploymentId: run.deploymentId, inputs: run.inputs, webhookUrl: webhookUrlOf(run, client) })
      const queued = this.deps.ledger.change(run.id, { providerRunId })
      this.deps.log.info('run submitted', { runId: run.id, provider: client.id, polling: queued.polling })
      return ok(publicRun(queued))
    } catch (error) {
      const failure = toRunError(error)
      if (error instanceof ProviderError && error.details.answerLost && this.canStillFind(run, client)) {
        // The service may have started a paid run: never queue again; find it (or prove it was not made).
        this.deps.log.warn('submit answer lost; looking for the run', { runId: run.id, code: failure.code, message: failure.message })
        const waiting = this.deps.ledger.transaction((tx) => {
          tx.change(run.id, { polling: true })
          return tx.hint(run.id, { status: null, liveStatus: `Answer lost; checking whether ${client.label} received the run…` }).run
        })
        this.deps.resolveSoon?.(run.id)
        return ok(publicRun(waiting))
      }
      if (failure.code === 'PROVIDER_TIMEOUT' || (error instanceof ProviderError && error.details.answerLost)) {
        failure.message = `${failure.message}; the run may still have started — check ${client.label}'s dashboard before trying again`
      }
      this.deps.ledger.hint(run.id, { status: 'failed', error: failure })
      this.deps.log.warn('submit failed', { runId: run.id, code: failure.code, message: failure.message })
      return { ok: false, error: failure }
    } finally {
      this.submitting.delete(run.id)
    }
  }

  /** A run whose queue answer was lost can be found by the service's run list or by its own webhook. */
  private canStillFind(run: StoredRun, client: ProviderClient): boolean {
    return client.findQueuedRun !== undefined || run.webhookBase !== null
  }

  /**
   * A run still `submitting` with no queue call in flight: its answer was lost (or the app stopped while
   * waiting). Looks for it in the service's run list; its webhook, if one comes, is adopted by ingestion.
   * Gives up after the window with the honest verdict: nothing was made, or it may have been.
   */
  private async findLostRun(run: StoredRun, client: ProviderClient): Promise<void> {
    const found = client.findQueuedRun
      ? await client.findQueuedRun({ deploymentId: run.deploymentId, inputs: run.inputs, webhookUrl: webhookUrlOf(run, client), since: run.createdAt })
      : null
    if (found !== null) {
      this.deps.ledger.change(run.id, { providerRunId: found })
      this.deps.log.info('lost submit answer resolved: the run exists', { runId: run.id, provider: client.id })
      return this.reconcile(run.id)
    }
    if (this.now() - run.createdAt < (this.deps.lostSubmitWindowMs ?? LOST_SUBMIT_WINDOW_MS)) return
    const error: RunError = client.findQueuedRun
      ? {
          code: 'PROVIDER_UNAVAILABLE',
          message: `${client.label} never received the run (it is not in the deployment's run list): nothing was started, so it is safe to generate again`,
        }
      : {
          code: 'PROVIDER_TIMEOUT',
          message: `${client.label}'s answer was lost and no webhook came: the run may still have started — check its dashboard before trying again`,
        }
    this.deps.log.warn('lost submit not found', { runId: run.id, provider: client.id })
    this.deps.ledger.hint(run.id, { status: 'failed', error })
  }

  /**
   * Asks the provider how the run stands and applies it: webhooks are hints, this GET is the truth that
   * final states and outputs are taken from. Also resumes unfinished downloads of succeeded runs.
   */
  async reconcile(runId: string): Promise<void> {
    const run = this.deps.ledger.get(runId)
    if (!run) return
    const client = this.deps.providers.get(run.provider)
    if (!client) {
      this.deps.log.warn('cannot reconcile: provider not configured', { runId, provider: run.provider })
      return
    }
    if (run.providerRunId === null) {
      // A run waiting in the local queue was never sent: nothing of it can be lost.
      if (run.status === 'submitting' && !run.waiting && !this.submitting.has(run.id)) await this.findLostRun(run, client)
      return
    }
    const snapshot = await client.getRun(run.providerRunId, run.deploymentId)
    const { run: after } = this.deps.ledger.hint(run.id, snapshot)
    if (isTerminal(after.status) && snapshot.usage) await this.recordCost(after, snapshot.usage)
    if (after.status === 'succeeded' && after.outputs !== 'saved') this.deps.saveOutputs(after, snapshot, client)
  }

  /** Prices what an ended run used (failed and cancelled runs too: services bill them) and records it once. */
  private async recordCost(run: StoredRun, usage: NonNullable<RunSnapshot['usage']>): Promise<void> {
    if (run.cost !== null) return
    try {
      const cost = await this.deps.spend.costOf(run, usage)
      if (cost === null) return
      this.deps.ledger.change(run.id, { cost })
      this.deps.spend.afterCost(run.provider)
    } catch (error) {
      this.deps.log.warn('run cost not recorded', { runId: run.id, error: String(error) })
    }
  }

  /**
   * Cancels a run: one waiting in the local queue at once, with no call; one at the service by its cancel
   * call, then confirmed by its GET. One the service has not dispatched yet is kept to be cancelled as soon
   * as it can be (`keepCancel`), and the answer is the run, saying so.
   */
  async cancel(id: RunId): Promise<Result<Run>> {
    const run = this.deps.ledger.get(id)
    if (!run) return err('NOT_FOUND', `no run ${id}`)
    if (isTerminal(run.status)) return err('CONFLICT', `the run has already ${run.status.replace('_', ' ')}`)
    if (run.waiting) {
      // Never sent, so nothing to ask the service: it is cancelled here, and the queue skips it.
      return ok(publicRun(this.deps.ledger.hint(run.id, { status: 'cancelled' }).run))
    }
    const inFlight = run.providerRunId === null ? this.submitting.get(run.id) : undefined
    if (inFlight) {
      // Its queue call is under way: once the service has answered, the run it made can be cancelled.
      await inFlight
      return this.cancel(id)
    }
    if (run.providerRunId === null) return err('CONFLICT', 'the run is still being submitted; try again in a moment')
    const client = this.deps.providers.get(run.provider)
    if (!client) return err('NOT_CONFIGURED', `${run.provider} has no API key`)
    try {
      await client.cancel(run.providerRunId, run.deploymentId)
    } catch (error) {
      if (error instanceof ProviderError && error.details.notDispatched) return ok(publicRun(this.keepCancel(run, client)))
      const failure = toRunError(error)
      if (failure.code === 'PROVIDER_UNAVAILABLE') failure.message = `the service could not cancel yet (${failure.message}); try again shortly`
      return { ok: false, error: failure }
    }
    await this.reconcile(run.id).catch((error: unknown) => this.deps.log.warn('confirm after cancel failed', { runId: id, error: String(error) }))
    return ok(publicRun(this.deps.ledger.require(id)))
  }

  /**
   * The service cannot cancel a run it has not dispatched yet (ComfyDeploy answers 500 while the run waits for
   * a machine, and says to retry later): the request is recorded with the run, which says so, and is asked
   * again until the service takes it or the run ends (`PendingCancels`, after a restart too).
   */
  private keepCancel(run: StoredRun, client: ProviderClient): StoredRun {
    const kept = this.deps.ledger.change(run.id, {
      cancelRequested: { at: this.now(), liveStatus: `Cancelling: ${client.label} will stop it as soon as it starts` },
    })
    this.deps.log.info('cancel kept until the service can take it', { runId: run.id, provider: client.id })
    this.deps.cancelPending?.(run.id)
    return kept
  }
}
