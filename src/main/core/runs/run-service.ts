import { randomBytes } from 'node:crypto'
import type { CourierEvent } from '@shared/events'
import { err, ok, type Result } from '@shared/result'
import { isTerminal, type InputValues, type ProviderId, type Run, type RunError, type RunId } from '@shared/run'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ProviderRegistry } from '../providers/registry'
import { ProviderError, type ProviderClient, type RunSnapshot } from '../providers/types'
import type { RunsRepo, StoredRun } from '../store/runs-repo'
import { publicRun } from '../store/runs-repo'
import type { Db } from '../store/database'
import { decide, type Decision, type RunHint } from './state-machine'
import { validateInputs } from './validate-inputs'

export interface RunServiceDeps {
  db: Db
  runs: RunsRepo
  providers: ProviderRegistry
  events: EventHub<CourierEvent>
  log: Logger
  /** Where this provider should call us back, or null when no public URL is up (then we poll). */
  webhookBase(provider: ProviderClient): string | null
  /** Starts saving a succeeded run's outputs (idempotent per run). */
  saveOutputs(run: StoredRun, snapshot: RunSnapshot, provider: ProviderClient): void
  now?: () => number
}

const newRunId = () => `r_${randomBytes(9).toString('base64url')}` as RunId
/** 128 bits of randomness: the only thing that authenticates a webhook (no provider signs them). */
const newHookToken = () => randomBytes(16).toString('base64url')

export function toRunError(error: unknown): RunError {
  if (error instanceof ProviderError) return { code: error.code, message: error.message, ...(error.details.field ? { field: error.details.field } : {}) }
  return { code: 'INTERNAL', message: (error as Error).message ?? String(error) }
}

/** Submits, advances, confirms and cancels runs. Every change is one transaction and one `run.updated`. */
export class RunService {
  private readonly now: () => number

  constructor(private readonly deps: RunServiceDeps) {
    this.now = deps.now ?? Date.now
  }

  publish(run: StoredRun): void {
    this.deps.events.publish({ type: 'run.updated', run: publicRun(run) })
  }

  async submit(args: { provider: ProviderId; deploymentId: string; inputs: InputValues }): Promise<Result<Run>> {
    const client = this.deps.providers.get(args.provider)
    if (!client) return err('NOT_CONFIGURED', `${args.provider} has no API key yet`)
    let deployment
    try {
      deployment = await this.deps.providers.findDeployment(args.provider, args.deploymentId)
    } catch (error) {
      const failure = toRunError(error)
      return err(failure.code, failure.message)
    }
    if (!deployment) return err('NOT_FOUND', `deployment ${args.deploymentId} is not among ${client.label}'s deployments`)
    const problem = validateInputs(deployment.inputs, args.inputs)
    if (problem) return err('BAD_INPUT', problem.message, problem.field)

    const hookToken = newHookToken()
    const base = this.deps.webhookBase(client)
    const run = this.deps.runs.insert({
      id: newRunId(),
      provider: client.id,
      deploymentId: deployment.id,
      deploymentName: deployment.name,
      inputs: args.inputs,
      hookToken,
      webhookBase: base,
      now: this.now(),
    })
    this.publish(run)
    try {
      const { providerRunId } = await client.queue({
        deploymentId: deployment.id,
        inputs: args.inputs,
        webhookUrl: base === null ? null : `${base}/hooks/${client.hookFamily}/${hookToken}`,
      })
      this.deps.runs.setProviderRunId(run.id, providerRunId, this.now())
      const queued = this.deps.runs.require(run.id)
      this.publish(queued)
      this.deps.log.info('run submitted', { runId: run.id, provider: client.id, polling: queued.polling })
      return ok(publicRun(queued))
    } catch (error) {
      const failure = toRunError(error)
      // A lost answer may still have started a paid run: say so rather than retrying into a duplicate.
      if (failure.code === 'PROVIDER_TIMEOUT') {
        failure.message = `${failure.message}; the run may still have started — check ${client.label}'s dashboard before trying again`
      }
      this.finish(run, { status: 'failed', error: failure })
      this.deps.log.warn('submit failed', { runId: run.id, code: failure.code, message: failure.message })
      return { ok: false, error: failure }
    }
  }

  /** Applies a hint in one transaction; returns the decision so callers can record why it was ignored. */
  apply(runId: string, hint: RunHint): { decision: Decision; run: StoredRun } {
    const decision = this.deps.db.transaction(() => {
      const run = this.deps.runs.require(runId)
      const d = decide(run, hint, this.now())
      if (d.kind === 'advance') this.deps.runs.saveState({ id: runId, ...d.next })
      return d
    })()
    const run = this.deps.runs.require(runId)
    if (decision.kind === 'advance') this.publish(run)
    return { decision, run }
  }

  private finish(run: StoredRun, hint: RunHint): void {
    this.apply(run.id, hint)
  }

  /**
   * Asks the provider how the run stands and applies it: webhooks are hints, this GET is the truth that
   * final states and outputs are taken from. Also resumes unfinished downloads of succeeded runs.
   */
  async reconcile(runId: string): Promise<void> {
    const run = this.deps.runs.get(runId)
    if (!run) return
    const client = this.deps.providers.get(run.provider)
    if (!client) {
      this.deps.log.warn('cannot reconcile: provider not configured', { runId, provider: run.provider })
      return
    }
    if (run.providerRunId === null) {
      if (run.status === 'submitting' && this.now() - run.createdAt > 60_000) {
        this.finish(run, {
          status: 'failed',
          error: {
            code: 'PROVIDER_TIMEOUT',
            message: `the app stopped before ${client.label} answered; the run may still exist — check its dashboard`,
          },
        })
      }
      return
    }
    const snapshot = await client.getRun(run.providerRunId, run.deploymentId)
    const { run: after } = this.apply(run.id, snapshot)
    if (after.status === 'succeeded' && after.downloads !== 'done') this.deps.saveOutputs(after, snapshot, client)
  }

  async cancel(id: RunId): Promise<Result<Run>> {
    const run = this.deps.runs.get(id)
    if (!run) return err('NOT_FOUND', `no run ${id}`)
    if (isTerminal(run.status)) return err('CONFLICT', `the run has already ${run.status.replace('_', ' ')}`)
    if (run.providerRunId === null) return err('CONFLICT', 'the run is still being submitted; try again in a moment')
    const client = this.deps.providers.get(run.provider)
    if (!client) return err('NOT_CONFIGURED', `${run.provider} has no API key`)
    try {
      await client.cancel(run.providerRunId, run.deploymentId)
    } catch (error) {
      const failure = toRunError(error)
      if (failure.code === 'PROVIDER_UNAVAILABLE') failure.message = `the service could not cancel yet (${failure.message}); try again shortly`
      return { ok: false, error: failure }
    }
    await this.reconcile(run.id).catch((error: unknown) => this.deps.log.warn('confirm after cancel failed', { runId: id, error: String(error) }))
    return ok(publicRun(this.deps.runs.require(id)))
  }

  markPolling(run: StoredRun, polling: boolean): void {
    if (run.polling === polling) return
    this.deps.runs.setPolling(run.id, polling, this.now())
    this.publish(this.deps.runs.require(run.id))
  }
}
