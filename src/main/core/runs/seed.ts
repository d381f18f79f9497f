import { randomInt } from 'node:crypto'
import type { InputField } from '@shared/deployment'

export { seedField } from '@shared/deployment'

/** Seeds drawn when a field sets no maximum: ComfyUI accepts more, but every service accepts these. */
const DEFAULT_MAX_SEED = 2 ** 32 - 1
/** `crypto.randomInt` draws from ranges narrower than 2⁴⁸. */
const MAX_SPAN = 2 ** 48 - 1

/**
 * `count` different random seeds within the field's bounds, none equal to `avoid`; null when its bounds
 * do not hold that many.
 */
export function randomSeeds(field: InputField, count: number, avoid?: number): number[] | null {
  const low = Math.ceil(field.min ?? 0)
  const high = Math.min(Math.floor(field.max ?? DEFAULT_MAX_SEED), low + MAX_SPAN - 1, Number.MAX_SAFE_INTEGER - 1)
  const available = high - low + 1 - (avoid !== undefined && avoid >= low && avoid <= high ? 1 : 0)
  if (!Number.isSafeInteger(low) || available < count) return null
  const seeds = new Set<number>()
  while (seeds.size < count) {
    const seed = randomInt(low, high + 1)
    if (seed !== avoid) seeds.add(seed)
  }
  return [...seeds]
}
