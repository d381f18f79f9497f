import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RESUME_KEPT_MS, discardPart, readResume, writeResume } from './resume-file'

describe('resume records', () => {
  let dir: string
  let part: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-resume-'))
    part = join(dir, 'abc-1.part')
    await writeFile(part, 'first half')
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  it('reads back the validator and length written for a .part, leaving no temp file', async () => {
    await writeResume(part, { validator: '"etag-1"', total: 300 }, 1_000)
    expect(await readResume(part, 2_000)).toEqual({ validator: '"etag-1"', total: 300 })
    expect((await readdir(dir)).sort()).toEqual(['abc-1.part', 'abc-1.part.resume'])
  })

  it('reads nothing to resume from a missing, corrupt, stale or orphaned record', async () => {
    expect(await readResume(part)).toEqual({ validator: null, total: null })
    await writeFile(`${part}.resume`, '{"validator":')
    expect(await readResume(part)).toEqual({ validator: null, total: null })
    await writeResume(part, { validator: 'Tue, 01 Jul 2025 10:00:00 GMT', total: null }, 0)
    expect(await readResume(part, RESUME_KEPT_MS + 1)).toEqual({ validator: null, total: null })
    expect(await readResume(part, RESUME_KEPT_MS)).toEqual({ validator: 'Tue, 01 Jul 2025 10:00:00 GMT', total: null })
    await rm(part)
    expect(await readResume(part, 0)).toEqual({ validator: null, total: null })
  })

  it('removes the record when the bytes have no validator, and both files when discarded', async () => {
    await writeResume(part, { validator: '"e"', total: 3 })
    await writeResume(part, { validator: null, total: null })
    expect(await readdir(dir)).toEqual(['abc-1.part'])
    await writeResume(part, { validator: '"e"', total: 3 })
    await discardPart(part)
    expect(await readdir(dir)).toEqual([])
  })
})
