import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { removeStaleParts } from './output-saver'

describe('removeStaleParts', () => {
  let library: string
  beforeEach(async () => {
    library = await mkdtemp(join(tmpdir(), 'courier-lib-'))
  })
  afterEach(() => rm(library, { recursive: true, force: true }))

  it('removes the .part files this app leaves in the library, and nothing else', async () => {
    const folder = join(library, '2025-06-01', 'dreamscape-sdxl')
    await mkdir(folder, { recursive: true })
    await mkdir(join(library, 'my-things'), { recursive: true })
    const keep = [
      join(folder, 'abcd1234-1.png'), // a saved output
      join(folder, 'grid-AbC_-123-mip3x2k1.png'), // a saved grid image
      join(folder, 'notes.part'), // not a name we make
      join(library, 'my-things', 'abcd1234-1.part'), // not a dated folder
      join(library, 'abcd1234-2.part'), // not inside a deployment folder
    ]
    // A grid image's scratch file is never resumed: one left by a crash goes.
    for (const file of [...keep, join(folder, 'abcd1234-2.part'), join(folder, 'Zz9-10.part'), join(folder, 'grid-AbC_-123-mip3x2k1.png.part')]) await writeFile(file, 'x')
    expect(await removeStaleParts(library)).toBe(3)
    expect((await readdir(folder)).sort()).toEqual(['abcd1234-1.png', 'grid-AbC_-123-mip3x2k1.png', 'notes.part'])
    for (const file of keep) await expect(readdir(join(file, '..'))).resolves.toContain(file.split('/').pop())
  })

  it('keeps a .part that can be resumed, and removes the ones that cannot and orphaned records', async () => {
    const folder = join(library, '2025-06-01', 'dreamscape-sdxl')
    await mkdir(folder, { recursive: true })
    const now = Date.parse('2025-06-03T12:00:00Z')
    const record = (savedAt: number) => JSON.stringify({ validator: '"v1"', total: 10, savedAt })
    await writeFile(join(folder, 'abcd1234-1.part'), 'x')
    await writeFile(join(folder, 'abcd1234-1.part.resume'), record(now - 3600_000)) // an hour old: resumable
    await writeFile(join(folder, 'abcd1234-2.part'), 'x')
    await writeFile(join(folder, 'abcd1234-2.part.resume'), record(now - 8 * 24 * 3600_000)) // past a week
    await writeFile(join(folder, 'abcd1234-3.part'), 'x')
    await writeFile(join(folder, 'abcd1234-3.part.resume'), 'not json')
    await writeFile(join(folder, 'abcd1234-4.part.resume'), record(now)) // its .part is gone
    await writeFile(join(folder, 'notes.resume'), 'mine')
    expect(await removeStaleParts(library, now)).toBe(2)
    expect((await readdir(folder)).sort()).toEqual(['abcd1234-1.part', 'abcd1234-1.part.resume', 'notes.resume'])
  })

  it('is quiet about a library folder that does not exist yet', async () => {
    expect(await removeStaleParts(join(library, 'missing'))).toBe(0)
  })
})
