import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readsBackAs, writeDurably, writeDurablyInTurn } from './write-durably'

describe('writeDurably and readsBackAs', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-durable-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  // Over two read-back chunks, so a difference in the second megabyte, or past the end, is what is compared.
  const bytes = Buffer.from(Array.from({ length: 2.5 * 1024 * 1024 }, (_, i) => (i * 31) & 0xff))

  it('writes a file that reads back as the bytes, and refuses to overwrite one unless asked', async () => {
    const part = join(dir, 'a.png.part')
    await writeDurably(part, bytes)
    expect(await readsBackAs(part, bytes)).toBe(true)
    await expect(writeDurably(part, bytes)).rejects.toThrow(/EEXIST/)
    await writeDurably(part, Buffer.from('again'), 'w')
    expect(await readsBackAs(part, Buffer.from('again'))).toBe(true)
  })

  it('tells a file that differs by one byte, is shorter or longer, from the bytes', async () => {
    const file = join(dir, 'b.png')
    const changed = Buffer.from(bytes)
    changed[1024 * 1024 + 7] = changed[1024 * 1024 + 7]! ^ 1
    await writeFile(file, changed)
    expect(await readsBackAs(file, bytes)).toBe(false)
    await writeFile(file, bytes.subarray(0, bytes.length - 1))
    expect(await readsBackAs(file, bytes)).toBe(false)
    await writeFile(file, Buffer.concat([bytes, Buffer.from([0])]))
    expect(await readsBackAs(file, bytes)).toBe(false)
    await writeFile(file, Buffer.alloc(0))
    expect(await readsBackAs(file, Buffer.alloc(0))).toBe(true)
    expect(await readsBackAs(file, Buffer.from('x'))).toBe(false)
  })

  it('writes a file from its pieces in turn, more than one gathered write takes, and compares a file against pieces', async () => {
    // 3,000 pieces (Linux takes 1,024 per call), some empty, cut at odd places of the 2.5 MB.
    const cuts = Array.from({ length: 3000 }, (_, i) => Math.floor((i * i * 7919) % bytes.length)).sort((a, b) => a - b)
    const pieces = [...cuts, bytes.length].map((end, i) => bytes.subarray(i === 0 ? 0 : cuts[i - 1]!, end))
    expect(pieces.some((piece) => piece.length === 0)).toBe(true)
    const part = join(dir, 'c.png.part')
    // The second half given as it will be ready: written after the first, in order.
    const later = new Promise<Uint8Array[]>((resolve) => setTimeout(() => resolve(pieces.slice(1500)), 20))
    expect(await writeDurablyInTurn(part, [pieces.slice(0, 1500), later])).toEqual(pieces)
    expect((await readFile(part)).equals(bytes)).toBe(true)
    expect(await readsBackAs(part, pieces)).toBe(true)
    const changed = pieces.map((piece) => Buffer.from(piece))
    const last = changed.findLast((piece) => piece.length > 0)!
    last[last.length - 1] = last[last.length - 1]! ^ 1
    expect(await readsBackAs(part, changed)).toBe(false)
    expect(await readsBackAs(part, pieces.slice(0, -1))).toBe(false)
    expect(await readsBackAs(part, [...pieces, Buffer.from([0])])).toBe(false)
  })
})
