import { describe, expect, it } from 'vitest'
import { formatBytes, formatWhen, shortRunId } from './format'

describe('format: one way to say each thing', () => {
  it('names sizes counted in 1024s as such', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(2048)).toBe('2.0 KiB')
    expect(formatBytes(67_108_864)).toBe('64 MiB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB')
  })

  it('says when, relative while recent, then the time today, yesterday, or the date', () => {
    const now = new Date(2026, 11, 6, 15, 30).getTime()
    expect(formatWhen(now - 20_000, now)).toBe('just now')
    expect(formatWhen(now - 5 * 60_000, now)).toBe('5 min ago')
    expect(formatWhen(now - 59 * 60_000, now)).toBe('59 min ago')
    const earlier = new Date(2026, 11, 6, 9, 5).getTime()
    expect(formatWhen(earlier, now)).toBe(new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(earlier))
    const yesterday = new Date(2026, 11, 5, 22, 0).getTime()
    expect(formatWhen(yesterday, now)).toMatch(/^Yesterday /)
    const lastWeek = new Date(2026, 10, 29, 8, 0).getTime()
    expect(formatWhen(lastWeek, now)).not.toMatch(/ago|Yesterday/)
    const lastYear = new Date(2025, 5, 1, 8, 0).getTime()
    expect(formatWhen(lastYear, now)).toContain('2025')
  })

  it('shortens a run id as its files are named', () => {
    expect(shortRunId('r_5_-tjdQtgAbCd')).toBe('r5tjdQtg')
    expect(shortRunId('r_EbfZrfwxubk0')).toBe('rEbfZrfw')
  })
})
