import type { Deployment, InputField } from '@shared/deployment'
import type { ErrorCode } from '@shared/errors'
import type { Result } from '@shared/result'
import type { OutputKind } from '@shared/output'
import type { InputValues, ProviderId } from '@shared/run'
import type { RunHint } from '../runs/state-machine'

/** The route family under `/hooks/{family}/{token}`: which webhook dialect a provider speaks. */
export type HookFamily = 'comfydeploy' | 'runcomfy'

export interface OutputRef {
  url: string
  kind: OutputKind
  /** The provider's file name, used only to guess a type: saved files are named from our ids. */
  filename: string | null
}

/** A provider's answer to "how is this run?", normalized. */
export interface RunSnapshot extends RunHint {
  rawStatus: string
  outputs: OutputRef[]
}

export interface WebhookHint {
  providerRunId: string | null
  rawStatus: string | null
  hint: RunHint
  /** Same key = same news; a webhook whose key the run has already applied is a duplicate. */
  dedupeKey: string
}

export interface QueueRequest {
  deploymentId: string
  inputs: InputValues
  webhookUrl: string | null
}

export interface ProviderClient {
  readonly id: ProviderId
  readonly label: string
  readonly demo: boolean
  readonly hookFamily: HookFamily
  /** Output hosts on loopback over plain http are allowed only for the built-in simulator and tests. */
  readonly allowLoopbackMedia: boolean
  listDeployments(): Promise<Deployment[]>
  queue(request: QueueRequest): Promise<{ providerRunId: string }>
  getRun(providerRunId: string, deploymentId: string): Promise<RunSnapshot>
  cancel(providerRunId: string, deploymentId: string): Promise<void>
  /**
   * Looks among the service's recent runs for the one a queue call started when that call's answer was
   * lost; null when there is none. Left out by services without a run list: then only the run's own
   * webhook (which carries the service's run id) can reveal it.
   */
  findQueuedRun?(request: QueueRequest & { since: number }): Promise<string | null>
  parseWebhook(body: unknown): Result<WebhookHint>
  /**
   * Makes a local file usable as an input value: uploads it where the service has an upload endpoint
   * (returning its URL), or returns a data URI where the service takes those inline.
   */
  prepareFile(file: { fileName: string; mime: string; bytes: Buffer }, onProgress?: (sentBytes: number, totalBytes: number) => void): Promise<string>
  /**
   * Every input a user could expose in a form: from a workflow in API format when given, else from the
   * deployment itself. Services whose deployments publish their inputs need not implement it.
   */
  formCandidates?(deploymentId: string, workflowApiJson?: string): Promise<InputField[]>
}

/** A provider call that failed, with a code from the shared error table and what the UI needs to act. */
export class ProviderError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      status?: number
      retryAfterMs?: number
      field?: string
      /** The request may have reached the service but its answer never came back (timeout, cut connection). */
      answerLost?: boolean
    } = {},
  ) {
    super(message)
    this.name = 'ProviderError'
  }
}
