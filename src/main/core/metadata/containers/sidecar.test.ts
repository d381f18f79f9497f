import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COURIER_RECORD_KEY } from '../../../../shared/provenance'
import { MAX_SIDECAR_BYTES, readSidecar, sidecarPath, writeSidecar } from './sidecar'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'courier-sidecar-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('sidecars', () => {
  it('is named after the whole file name, so clip.mp4 and clip.webm have one each', () => {
    expect(sidecarPath('/lib/2026-01-02/dep/clip.mp4')).toBe('/lib/2026-01-02/dep/clip.mp4.json')
    expect(sidecarPath('/lib/clip.webm')).not.toBe(sidecarPath('/lib/clip.mp4'))
  })

  it('round-trips its entries exactly, any text and any name', async () => {
    const file = join(dir, 'clip.mp4')
    const text = {
      [COURIER_RECORD_KEY]: JSON.stringify({ format: 'comfy-courier/1', prompt: 'a "fox"\nline = 2; #3 \\ ü 東京 🎞️' }),
      prompt: '{"1": {}}',
      '': 'empty name',
    }
    // An own `__proto__` property, as a JSON object can hold.
    Object.defineProperty(text, '__proto__', { value: 'not a prototype', enumerable: true, configurable: true, writable: true })
    await writeSidecar(file, text)
    const read = await readSidecar(file)
    expect(read).toEqual(text)
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype)
    expect(Object.keys(read!)).toContain('__proto__')
    expect(JSON.parse(await readFile(sidecarPath(file), 'utf8'))).toEqual(read)
  })

  it('replaces the sidecar whole, through a .part file it does not leave behind', async () => {
    const folder = join(dir, 'replace')
    await mkdir(folder)
    const file = join(folder, 'clip.webm')
    await writeSidecar(file, { a: '1', b: '2' })
    await writeSidecar(file, { c: '3' })
    expect(await readSidecar(file)).toEqual({ c: '3' })
    await Promise.all(Array.from({ length: 8 }, (_, i) => writeSidecar(file, { n: String(i) })))
    expect(Number((await readSidecar(file))!.n)).toBeGreaterThanOrEqual(0)
    expect(await readdir(folder)).toEqual(['clip.webm.json'])
  })

  it('throws, leaving nothing, when it cannot write', async () => {
    const file = join(dir, 'no-such-folder', 'clip.mp4')
    await expect(writeSidecar(file, { a: 'b' })).rejects.toThrow()
    const folder = join(dir, 'too-big')
    await mkdir(folder)
    await expect(writeSidecar(join(folder, 'clip.mp4'), { a: 'x'.repeat(MAX_SIDECAR_BYTES) })).rejects.toThrow(/larger than/)
    await expect(writeSidecar(join(folder, 'clip.mp4'), { a: 1 as unknown as string })).rejects.toThrow(/text entries only/)
    expect(await readdir(folder)).toEqual([])
  })

  it('reads none where there is none, or it is too big, not JSON, not UTF-8, or not an object of strings', async () => {
    const cases: [string, string | Buffer][] = [
      ['malformed', '{"a": "b"'],
      ['array', '["a", "b"]'],
      ['string', '"a"'],
      ['null', 'null'],
      ['number-value', '{"a": "b", "c": 1}'],
      ['object-value', '{"a": {"b": "c"}}'],
      ['not-utf8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
      ['oversize', `{"a": "${'x'.repeat(MAX_SIDECAR_BYTES)}"}`],
    ]
    for (const [name, content] of cases) {
      const file = join(dir, `${name}.mp4`)
      await writeFile(sidecarPath(file), content)
      expect(await readSidecar(file), name).toBeNull()
    }
    expect(await readSidecar(join(dir, 'missing.mp4'))).toBeNull()
    // A folder where the sidecar would be.
    await mkdir(sidecarPath(join(dir, 'folder.mp4')))
    expect(await readSidecar(join(dir, 'folder.mp4'))).toBeNull()
    // Just under the limit is read.
    const big = join(dir, 'big.mp4')
    const value = 'y'.repeat(MAX_SIDECAR_BYTES - 16)
    await writeFile(sidecarPath(big), JSON.stringify({ a: value }))
    expect((await readSidecar(big))!.a).toBe(value)
  })
})
