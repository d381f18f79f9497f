import { describe, expect, it } from 'vitest'
import { hasEnded, parseInstant, secondsBetween, toRunUsage } from './run-usage'

describe('run usage helpers', () => {
  it('parseInstant reads what the services write, to the millisecond', () => {
    const at = Date.parse('2025-11-18T10:00:00.412Z')
    expect(parseInstant('2025-11-18T10:00:00.412731+00:00')).toBe(at)
    expect(parseInstant('2025-11-18T10:00:00.412+00Z')).toBe(at)
    expect(parseInstant('2025-11-18T10:00:00.412')).toBe(at)
    expect(parseInstant('2025-11-18T11:00:00.412+01:00')).toBe(at)
    for (const bad of ['', 'soon', '2025-11-18', '18/11/2025 10:00', null, undefined]) expect(parseInstant(bad), String(bad)).toBeNull()
  })

  it('secondsBetween refuses missing ends and spans that run backwards', () => {
    expect(secondsBetween(1000, 3500)).toBe(2.5)
    expect(secondsBetween(null, 3500)).toBeNull()
    expect(secondsBetween(3500, 1000)).toBeNull()
  })

  it('toRunUsage prefers the whole span, else execution, else nothing', () => {
    expect(toRunUsage({ gpu: 'T4', whole: 10, execution: 7 })).toEqual({ gpu: 'T4', seconds: 10, executionOnly: false, sessionId: null })
    expect(toRunUsage({ gpu: 'T4', whole: null, execution: 7, sessionId: 's' })).toEqual({ gpu: 'T4', seconds: 7, executionOnly: true, sessionId: 's' })
    expect(toRunUsage({ gpu: 'T4', whole: Number.NaN, execution: -1 })).toBeNull()
  })

  it('hasEnded holds for every terminal state only', () => {
    expect(['succeeded', 'failed', 'cancelled', 'timed_out'].every((s) => hasEnded(s as never))).toBe(true)
    expect([null, undefined, 'queued', 'running', 'submitting'].some((s) => hasEnded(s as never))).toBe(false)
  })
})
