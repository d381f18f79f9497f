import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SpaceBook, formatBytes, systemFreeSpace, volumeOf } from './free-space'

describe('free space', () => {
  it('reads the real free space of a folder not made yet (its nearest existing parent)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'courier-space-'))
    try {
      const free = await systemFreeSpace(join(dir, '2025-01-01', 'deployment'))
      expect(free).toBeGreaterThan(0)
      expect(await volumeOf(join(dir, 'not', 'made'))).toMatch(/^\//)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a file that does not fit beside the margin and what other downloads have claimed', async () => {
    const book = new SpaceBook(async () => 1_000_000, 100_000)
    const first = await book.claim(tmpdir(), 600_000)
    await expect(book.claim(tmpdir(), 400_000)).rejects.toThrow(/^not enough free space on .+: needs 500 kB, has 400 kB$/)
    // As the first one writes, the disk's own figure shrinks and its claim with it (here the probe stands still).
    first.wrote(600_000)
    const second = await book.claim(tmpdir(), 400_000)
    second.release()
    first.release()
  })

  it('lets a download start when the system cannot tell', async () => {
    const book = new SpaceBook(async () => null, 100_000)
    const claim = await book.claim(tmpdir(), 10 ** 12)
    claim.release()
  })

  it('writes sizes the way file managers do', () => {
    expect([0, 999, 1000, 1500, 64 * 1024 * 1024, 1.25e9, 3e12].map(formatBytes)).toEqual(['0 bytes', '999 bytes', '1 kB', '1.5 kB', '67.1 MB', '1.3 GB', '3 TB'])
  })
})
