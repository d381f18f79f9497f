import type { SimContext } from './context'
import type { Reply } from './http/router'

/**
 * The `loseQueueAnswers` knob: whether this queue call, whose run was just created, loses its answer
 * (counted down; off at zero). The run exists and plays out as usual; only the client never hears of it.
 */
export function takeLostAnswer(ctx: SimContext): boolean {
  const left = ctx.faults.loseQueueAnswers
  if (left === null) return false
  ctx.faults.loseQueueAnswers = left > 1 ? left - 1 : null
  ctx.stats.queueAnswersLost++
  ctx.log('queue answer lost on purpose (loseQueueAnswers)')
  return true
}

/** The `dropQueueRequests` knob: whether this queue call is cut before any run is created (counted down). */
export function takeDroppedRequest(ctx: SimContext): boolean {
  const left = ctx.faults.dropQueueRequests
  if (left === null) return false
  ctx.faults.dropQueueRequests = left > 1 ? left - 1 : null
  ctx.log('queue request dropped on purpose (dropQueueRequests)')
  return true
}

/** A reply that cuts the connection before any byte of the answer is written. */
export const cutConnection: Reply = { status: 200, write: (res) => res.destroy() }
