import type { RunComfyPlan, RunComfyTier } from '@shared/spend'

/**
 * The services' prices as published late in 2026 (`shared/providers/spend.md`): the fallback when a service's
 * own endpoint cannot be read, and RunComfy's only source (it has no pricing endpoint). Prices change: the
 * date goes wherever a figure from here is shown.
 */
export const PRICE_TABLE_AS_OF = '2026-11-30'

/** ComfyDeploy, dollars per GPU second, margin included (its `/platform/gpu-pricing` answers the same shape). */
export const COMFYDEPLOY_USD_PER_SECOND: Readonly<Record<string, number>> = {
  T4: 0.00018,
  L4: 0.00032,
  A10G: 0.000337,
  L40S: 0.000596,
  A100: 0.00114,
  'A100-80GB': 0.001708,
  H100: 0.002338,
  H200: 0.001891,
  B200: 0.002604,
  CPU: 0.000042,
}

/** RunComfy, dollars per hour by machine tier and plan. */
export const RUNCOMFY_USD_PER_HOUR: Readonly<Record<RunComfyTier, Record<RunComfyPlan, number>>> = {
  Medium: { payg: 0.99, pro: 0.79 },
  Large: { payg: 1.75, pro: 1.39 },
  'X-Large': { payg: 2.5, pro: 1.99 },
  'X-Large Plus': { payg: 2.99, pro: 2.15 },
  '2X-Large': { payg: 4.99, pro: 3.99 },
  '2X-Large Plus': { payg: 7.49, pro: 5.99 },
  '3X-Large': { payg: 8.75, pro: 6.99 },
}

/**
 * RunComfy's hardware SKUs by the tier they most likely bill as. RunComfy does not publish this mapping: it is
 * read from the SKU's architecture and memory (a 48 GB Ampere card is the A6000 of X-Large), so the user can
 * correct it per deployment in Settings, and a figure priced from a guess says so.
 */
const RUNCOMFY_SKU_TIERS: ReadonlyArray<[RegExp, RunComfyTier]> = [
  [/^(TURING_16|AMPERE_16)$/, 'Medium'],
  [/^AMPERE_24$/, 'Large'],
  [/^AMPERE_48$/, 'X-Large'],
  [/^ADA_48(_PLUS)?$/, 'X-Large Plus'],
  [/^AMPERE_80$/, '2X-Large'],
  [/^HOPPER_80$/, '2X-Large Plus'],
  [/^HOPPER_141$/, '3X-Large'],
]

/** The tier a RunComfy SKU most likely bills as; null for a SKU nobody has seen. */
export function guessRunComfyTier(sku: string): RunComfyTier | null {
  const normalized = sku.trim().toUpperCase()
  return RUNCOMFY_SKU_TIERS.find(([pattern]) => pattern.test(normalized))?.[1] ?? null
}
