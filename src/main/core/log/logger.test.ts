import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger, logFiles, redact } from './logger'

const dirs: string[] = []
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'courier-log-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const lines = (dir: string) => {
  const file = join(dir, 'logs', 'courier.log')
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('logger', () => {
  it('writes JSON lines in order with their scope once the turn ends', async () => {
    const dir = dataDir()
    const log = createLogger({ dataDir: dir, sink: () => {} })
    log.info('one', { n: 1 })
    log.child('runs').child('poller').info('two', { n: 2 })
    expect(lines(dir)).toEqual([]) // buffered: one write per turn, not one per line
    await new Promise((resolve) => setImmediate(resolve))
    expect(lines(dir).map((l) => [l.message, l.scope, l.n])).toEqual([
      ['one', '', 1],
      ['two', 'runs.poller', 2],
    ])
  })

  it('writes an error and everything before it at once, and sends warnings and errors to the sink', () => {
    const dir = dataDir()
    const sunk: string[] = []
    const log = createLogger({ dataDir: dir, sink: (line) => sunk.push(line) })
    log.info('before')
    log.warn('careful')
    log.error('broken', { code: 'X' })
    expect(lines(dir).map((l) => l.message)).toEqual(['before', 'careful', 'broken'])
    expect(sunk.map((line) => JSON.parse(line).message)).toEqual(['careful', 'broken'])
  })

  it('drops lines under its level and flushes on demand', () => {
    const dir = dataDir()
    const log = createLogger({ dataDir: dir, sink: () => {}, level: 'warn' })
    log.debug('noise')
    log.info('chatter')
    log.warn('kept')
    log.flush()
    expect(lines(dir).map((l) => l.message)).toEqual(['kept'])
  })

  it('never writes a hook token, bearer key or token parameter', () => {
    const dir = dataDir()
    const log = createLogger({ dataDir: dir, sink: () => {} })
    log.info('request', {
      url: 'https://x.loca.lt/hooks/comfydeploy/Secret_Token-123?x=1',
      auth: 'Bearer sk-live-abc',
      link: 'http://127.0.0.1:4178/?token=webtoken123&a=b',
    })
    log.flush()
    const text = readFileSync(join(dir, 'logs', 'courier.log'), 'utf8')
    for (const secret of ['Secret_Token-123', 'sk-live-abc', 'webtoken123']) expect(text).not.toContain(secret)
    expect(text).toContain('/hooks/comfydeploy/[token]')
  })

  it('keeps going when the file cannot be written', () => {
    const dir = dataDir()
    const log = createLogger({ dataDir: dir, sink: () => {} })
    rmSync(join(dir, 'logs'), { recursive: true })
    // The directory is gone (as on a vanished or full disk): logging must not throw.
    expect(() => {
      log.error('lost')
      log.flush()
    }).not.toThrow()
  })
})

describe('recent warnings and errors', () => {
  it('keeps the last warning and error lines, redacted, oldest first, and nothing below warn', () => {
    const log = createLogger({ dataDir: dataDir(), sink: () => {}, recentLines: 3 })
    log.info('not kept')
    log.warn('one', { url: 'http://127.0.0.1:4178/?token=webtoken123' })
    log.child('tunnel').error('two', { auth: 'Bearer sk-live-abc' })
    log.warn('three')
    log.debug('not kept either')
    log.error('four')
    const recent = log.recent().map((line) => JSON.parse(line) as { message: string; scope: string })
    expect(recent.map((line) => line.message)).toEqual(['two', 'three', 'four'])
    expect(recent[0]?.scope).toBe('tunnel')
    const text = log.recent().join('\n')
    expect(text).not.toContain('sk-live-abc')
    // The caller gets a copy: changing it does not change the logger's memory.
    log.recent().length = 0
    expect(log.recent()).toHaveLength(3)
  })

  it('keeps 20 by default', () => {
    const log = createLogger({ dataDir: dataDir(), sink: () => {} })
    for (let i = 0; i < 30; i++) log.warn(`w${i}`)
    const recent = log.recent().map((line) => (JSON.parse(line) as { message: string }).message)
    expect(recent).toHaveLength(20)
    expect(recent[0]).toBe('w10')
    expect(recent.at(-1)).toBe('w29')
  })
})

describe('log rotation', () => {
  it('rotates courier.log past its size, keeps the newest generations, and never splits a line', () => {
    const dir = dataDir()
    const log = createLogger({ dataDir: dir, sink: () => {}, maxBytes: 2000, keep: 2 })
    for (let i = 0; i < 60; i++) {
      log.info('line', { i, pad: 'x'.repeat(60) })
      log.flush()
    }
    const [current, first, second, third] = logFiles(dir, 3)
    const numbers = (file: string) =>
      existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { i: number }).i) : []
    for (const file of [current!, first!, second!]) expect(readFileSync(file, 'utf8').length).toBeLessThanOrEqual(2000)
    expect(existsSync(third!)).toBe(false) // only `keep` old files
    // Newest in courier.log, the generations before it in order, with no gap between them.
    const kept = [...numbers(second!), ...numbers(first!), ...numbers(current!)]
    expect(kept.at(-1)).toBe(59)
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => 60 - kept.length + k))
  })

  it('carries on in an existing file across restarts until it is full', () => {
    const dir = dataDir()
    const before = createLogger({ dataDir: dir, sink: () => {}, maxBytes: 10_000 })
    before.info('first run')
    before.flush()
    const again = createLogger({ dataDir: dir, sink: () => {}, maxBytes: 10_000 })
    again.error('second run')
    expect(lines(dir).map((l) => l.message)).toEqual(['first run', 'second run'])
    expect(existsSync(logFiles(dir)[1]!)).toBe(false)
  })
})

describe('redact', () => {
  it('leaves ordinary text alone', () => {
    expect(redact('run r_1 succeeded')).toBe('run r_1 succeeded')
  })
})
