/**
 * What the simulated services charge: the tables of /work/shared/providers/spend.md (late 2026). The
 * simulator bills its runs with these, so its usage, events and balance routes, and its ledger, agree
 * with what a client computes from the same tables.
 */

/** ComfyDeploy: dollars per GPU second, exactly as `GET /api/platform/gpu-pricing` serves them. */
export const COMFYDEPLOY_GPU_PRICES: Readonly<Record<string, number>> = {
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

/** RunComfy: pay-as-you-go dollars per hour by machine tier (the simulated account is on PAYG). */
export const RUNCOMFY_TIER_PRICES: Readonly<Record<string, number>> = {
  Medium: 0.99,
  Large: 1.75,
  'X-Large': 2.5,
  'X-Large Plus': 2.99,
  '2X-Large': 4.99,
  '2X-Large Plus': 7.49,
  '3X-Large': 8.75,
}

/**
 * The simulator's hardware SKUs onto tiers. RunComfy does not publish this mapping: these are the
 * simulator's own choices (24 GB Ampere is an A5000-class Large, 48 GB Ampere an A6000 X-Large, 48 GB Ada
 * an L40/L40S X-Large Plus), and every SKU a seeded deployment uses must be here.
 */
export const RUNCOMFY_SKU_TIERS: Readonly<Record<string, string>> = {
  AMPERE_24: 'Large',
  AMPERE_48: 'X-Large',
  ADA_48_PLUS: 'X-Large Plus',
}

const own = <T>(table: Readonly<Record<string, T>>, key: string): T | null => (Object.hasOwn(table, key) ? (table[key] ?? null) : null)

/** Dollars per second of a ComfyDeploy GPU; null for a name the table lacks. */
export const comfyDeployUsdPerSecond = (gpu: string): number | null => own(COMFYDEPLOY_GPU_PRICES, gpu)

export const runComfyTier = (sku: string): string | null => own(RUNCOMFY_SKU_TIERS, sku)

/** Dollars per second of a RunComfy SKU (its tier's hourly PAYG price / 3600); null when unmapped. */
export function runComfyUsdPerSecond(sku: string): number | null {
  const tier = runComfyTier(sku)
  const hourly = tier === null ? null : own(RUNCOMFY_TIER_PRICES, tier)
  return hourly === null ? null : hourly / 3600
}
