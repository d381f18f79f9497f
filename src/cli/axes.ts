import { GRID_MAX_CELLS } from '@shared/grid'
import { usage } from './exit-codes'

/**
 * A grid axis from the command line: `input=values`, the values a comma list (`seed=1,2,3`,
 * `sampler=euler,dpmpp_2m`), a range with a step (`steps=10-30 (+10)` → 10, 20, 30) or with a count
 * (`cfg=4-8 [5]` → 4, 5, 6, 7, 8). A small stand-in until the shared parser (`@shared/grid-axes`) lands;
 * values come back as text or numbers, and the caller converts them to the input's kind.
 */
export interface AxisSpec {
  input: string
  values: (string | number)[]
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?`
const RANGE = new RegExp(String.raw`^\s*(${NUMBER})\s*-\s*(${NUMBER})\s*(?:\(\s*\+?\s*(${NUMBER})\s*\)|\[\s*(\d+)\s*\])?\s*$`)

/** Rounds away binary noise (0.1 + 0.2), keeping up to nine decimals. */
const tidy = (value: number): number => Math.round(value * 1e9) / 1e9

export function parseAxis(spec: string, flag = '--x'): AxisSpec {
  const eq = spec.indexOf('=')
  if (eq <= 0) throw usage(`${flag} "${spec}": write input=values, e.g. seed=1,2,3 or steps=10-30 (+10)`)
  const input = spec.slice(0, eq).trim()
  const text = spec.slice(eq + 1)
  const range = RANGE.exec(text)
  if (range) {
    const from = Number(range[1])
    const to = Number(range[2])
    const values: number[] = []
    if (range[4] !== undefined) {
      const count = Number(range[4])
      if (count < 1) throw usage(`${flag} ${input}: a range takes at least one value`)
      if (count > GRID_MAX_CELLS) throw usage(`${flag} ${input}: at most ${GRID_MAX_CELLS} values`)
      for (let i = 0; i < count; i++) values.push(tidy(count === 1 ? from : from + ((to - from) * i) / (count - 1)))
    } else {
      const step = Math.abs(range[3] !== undefined ? Number(range[3]) : 1)
      if (step === 0) throw usage(`${flag} ${input}: a range's step cannot be 0`)
      const direction = to >= from ? 1 : -1
      for (let i = 0; ; i++) {
        const value = tidy(from + direction * step * i)
        if ((direction > 0 && value > to + 1e-9) || (direction < 0 && value < to - 1e-9)) break
        if (values.length >= GRID_MAX_CELLS) throw usage(`${flag} ${input}: at most ${GRID_MAX_CELLS} values`)
        values.push(value)
      }
    }
    return { input, values }
  }
  const values = text.split(',').map((value) => value.trim())
  if (values.some((value) => value === '')) throw usage(`${flag} ${input}: an empty value in "${text}"`)
  if (values.length > GRID_MAX_CELLS) throw usage(`${flag} ${input}: at most ${GRID_MAX_CELLS} values`)
  return { input, values }
}
