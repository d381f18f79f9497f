import type { Deployment, InputField } from '@shared/deployment'
import type { ErrorCode } from '@shared/errors'
import type { Result } from '@shared/result'
import type { OutputKind } from '@shared/output'
import type { InputValues, ProviderId } from '@shared/run'
import type { RunHint } from '../runs/state-machine'

/** The route family under `/hooks/{family}/{token}`: which webhook dialect a provider speaks. */
export type HookFamily = 'comfydeploy' | 'runcomfy' | 'comfyui'

export interface OutputRef {
  url: string
  kind: OutputKind
  /** The provider's file name, used only to guess a type: saved files are named from our ids. */
  filename: string | null
}

/**
 * What a run used, from the service's own timings (issue 17): what `core/spend` prices. Services bill GPU
 * sessions, not runs, so this is the run's share as far as the run itself shows it.
 */
export interface RunUsage {
  /** What it ran on: the GPU name (ComfyDeploy: `A10G`) or the hardware SKU (RunComfy: `AMPERE_48`); null when unsaid. */
  gpu: string | null
  /** Seconds of GPU time: from queued (cold start included) to its end where the service gives both, else execution alone. */
  seconds: number
  /** Whether `seconds` covers execution only (the service gave no queue or cold-start time). */
  executionOnly: boolean
  /** The GPU session it ran in (ComfyDeploy's `gpu_event_id`), to match the machine's session events; null when unsaid. */
  sessionId: string | null
}

/** A provider's answer to "how is this run?", normalized. */
export interface RunSnapshot extends RunHint {
  rawStatus: string
  outputs: OutputRef[]
  /** Present once the run has ended and the service gave its timings (also for failed and cancelled runs). */
  usage?: RunUsage | null
}

/** An account's spend in a period, from the service's usage endpoint (ComfyDeploy). */
export interface AccountUsage {
  /** Dollars for the whole period, before free credit (the usage endpoint's `total_cost`). */
  totalUsd: number
  /** Dollars per local day (`2026-12-06`), where the service gives a breakdown. */
  days: { day: string; usd: number }[]
}

/** One GPU session of a machine (ComfyDeploy's machine events): what a session really cost. */
export interface GpuSession {
  sessionId: string
  gpu: string | null
  startMs: number
  endMs: number | null
  usd: number | null
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
  /** Dollars per GPU second by GPU name, from the service's own pricing endpoint (ComfyDeploy; no key needed). */
  gpuPricing?(): Promise<Record<string, number>>
  /** The account's spend between two moments (epoch ms), from the service's usage endpoints (ComfyDeploy). */
  accountUsage?(range: { fromMs: number; toMs: number }): Promise<AccountUsage>
  /** The account's balance in dollars (RunComfy's `/prod/v2/balance`). */
  balance?(): Promise<number>
  /** The last 24 h of GPU sessions of a machine (ComfyDeploy's `/machine/{id}/events`). */
  machineSessions?(machineId: string): Promise<GpuSession[]>
  /**
   * The user's own server (ComfyUI) lives on loopback or the LAN on purpose: outputs at its origin may be
   * fetched there, with its auth headers. Null for any other URL, which is then held to the usual rules.
   */
  mediaAccess?(url: string): { origin: string; headers: Record<string, string> } | null
  /** The $/hour set for the machine a deployment runs on (your own ComfyUI server), to price its GPU time. */
  hourlyRate?(deploymentId: string): { name: string; usdPerHour: number | null } | null
  /** Closes what the client holds open (sockets) when settings replace it. */
  dispose?(): void
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
      /** A cancel the service refused because the run is not dispatched yet (no worker has it): it can be asked again later. */
      notDispatched?: boolean
    } = {},
  ) {
    super(message)
    this.name = 'ProviderError'
  }
}
