import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openPartFile } from './part-file'

describe('openPartFile', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-part-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('writes, appends on resume, and commits what was queued', async () => {
    const path = join(dir, 'a.part')
    const part = await openPartFile(path, 'truncate')
    for (let i = 0; i < 5; i++) await part.write(Buffer.alloc(700_000, i))
    await part.commit()
    const more = await openPartFile(path, 'append')
    await more.write(Buffer.from('tail'))
    await more.commit()
    const bytes = await readFile(path)
    expect(bytes.length).toBe(3_500_004)
    expect(bytes.subarray(-4).toString()).toBe('tail')
  })

  it('makes writes that land while the buffer is full wait for one drain, in order, without piling up listeners', async () => {
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      const path = join(dir, 'w.part')
      const part = await openPartFile(path, 'truncate')
      const waits = Array.from({ length: 24 }, (_, i) => part.write(Buffer.alloc(256 * 1024, i)))
      const pending = waits.filter((wait) => wait !== undefined)
      expect(pending.length).toBeGreaterThan(10)
      expect(new Set(pending).size).toBe(1)
      await Promise.all(pending)
      await part.commit()
      const bytes = await readFile(path)
      expect(bytes.length).toBe(24 * 256 * 1024)
      expect([...Array(24).keys()].map((i) => bytes[i * 256 * 1024])).toEqual([...Array(24).keys()])
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('truncates what an earlier attempt left when starting over', async () => {
    const path = join(dir, 'b.part')
    await writeFile(path, 'old bytes from another version')
    const part = await openPartFile(path, 'truncate')
    await part.write(Buffer.from('new'))
    await part.commit()
    expect(await readFile(path, 'utf8')).toBe('new')
  })

  it('reports a full disk (ENOSPC from /dev/full) and closes cleanly', async () => {
    const part = await openPartFile('/dev/full', 'truncate')
    const failure = (async () => {
      for (let i = 0; i < 8; i++) await part.write(Buffer.alloc(1_000_000))
      await part.commit()
    })()
    await expect(failure).rejects.toMatchObject({ code: 'ENOSPC' })
    await part.abort()
  })
})
