import type { SimLedger } from '../ledger'

/** What the simulated RunComfy account holds before any request (dollars). */
export const RUNCOMFY_SEED_BALANCE_USD = 100

/**
 * `GET /prod/v2/balance`'s figure: the seed less every request's session, metered up to `nowMs` (its keep-
 * warm tail as it elapses). Rounded to a millionth of a dollar, so a two-second request still shows.
 */
export function runComfyBalanceUsd(ledger: SimLedger, nowMs: number): number {
  return Math.round((RUNCOMFY_SEED_BALANCE_USD - ledger.chargedUsd('runcomfy', nowMs)) * 1e6) / 1e6
}
