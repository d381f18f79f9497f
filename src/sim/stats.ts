/** Counters a test or benchmark reads through `sim.stats()` or `GET /__sim/state`. */
export interface SimStats {
  /** Runs created by a successful queue call. */
  runsQueued: number
  runsSucceeded: number
  runsFailed: number
  runsCancelled: number
  /** Queue calls answered with the failQueueWithStatus knob. */
  queueCallsFailed: number
  /** Queue calls whose run was created but whose answer was cut by the loseQueueAnswers knob. */
  queueAnswersLost: number
  /** Webhook events delivered with a 2xx (a duplicated event counts twice). */
  webhooksSent: number
  /** HTTP requests made to webhook URLs, retries included. */
  webhookAttempts: number
  /** Events not sent because of the dropWebhooks knob. */
  webhooksDropped: number
  /** Events given up after every attempt failed (non-2xx, network error or 20 s timeout). */
  webhooksFailed: number
  /** Media responses served from /media/. */
  mediaServed: number
  /** Files taken by `POST /api/file/upload`. */
  filesUploaded: number
}

export function emptyStats(): SimStats {
  return {
    runsQueued: 0,
    runsSucceeded: 0,
    runsFailed: 0,
    runsCancelled: 0,
    queueCallsFailed: 0,
    queueAnswersLost: 0,
    webhooksSent: 0,
    webhookAttempts: 0,
    webhooksDropped: 0,
    webhooksFailed: 0,
    mediaServed: 0,
    filesUploaded: 0,
  }
}
