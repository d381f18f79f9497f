import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { be32, bytesOf, fromRaw, handSegment, jpegSegments, noise, pixels } from '../fixtures/fixtures'
import { EXTENDED_XMP_HEADER, MAX_CHUNK_BYTES, MAX_EXTENDED_BYTES, extendedGuid, hasExtendedXmp, joinExtendedXmp } from './extended-xmp'
import { readImageMetadata, stripImageMetadata, writeImageMetadata } from './image'
import { COURIER_NS } from './xmp'

const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/\0'
const APP1 = 0xe1
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#'
const starts = (data: Buffer, header: string) => data.subarray(0, header.length).toString('latin1') === header

const noisyJpeg = async () => new Uint8Array(await fromRaw(noise(40, 24)).jpeg({ quality: 80 }).toBuffer())

/** A record like ours holding a ComfyUI workflow of about `kb` KB (distinct text, so nothing compresses it away). */
function bigRecord(kb: number): string {
  const nodes: Record<string, unknown> = {}
  for (let i = 0, length = 0; length < kb * 1024; i++) {
    const node = { class_type: 'CLIPTextEncode', inputs: { text: `node ${i}: a lighthouse «${i.toString(36)}» on a cliff & <sea>`, clip: ['4', 1] } }
    nodes[String(i)] = node
    length += JSON.stringify(node).length + String(i).length + 4
  }
  return JSON.stringify({ format: 'comfy-courier/1', prompt: 'a lighthouse', inputs: { workflow_api: JSON.stringify(nodes) } })
}

/** One extension segment's payload, by hand. */
const chunkPayload = (guid: string, fullLength: number, offset: number, data: Uint8Array | number[]) => [
  ...bytesOf(EXTENDED_XMP_HEADER),
  ...bytesOf(guid),
  ...be32(fullLength),
  ...be32(offset),
  ...data,
]

/** A JPEG (sharp's, with its image data) with `segments` put right after SOI. */
async function jpegWith(...segments: number[][]): Promise<Uint8Array> {
  const base = await noisyJpeg()
  return Uint8Array.from([0xff, 0xd8, ...segments.flat(), ...base.subarray(2)])
}

const mainPacket = (guid: string, attribute = true) =>
  `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="${RDF}">` +
  (attribute
    ? `<rdf:Description rdf:about="" xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmpNote:HasExtendedXMP="${guid}"/>`
    : `<rdf:Description rdf:about="" xmlns:n="http://ns.adobe.com/xmp/note/"><n:HasExtendedXMP>${guid.toLowerCase()}</n:HasExtendedXMP></rdf:Description>`) +
  `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:format>image/jpeg</dc:format></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`

const extendedPacket = (record: string) =>
  `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="${RDF}"><rdf:Description rdf:about="" xmlns:courier="${COURIER_NS}"><courier:comfy-courier>${record.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</courier:comfy-courier></rdf:Description></rdf:RDF></x:xmpmeta>`

describe('extended XMP in JPEG: writing and reading back', () => {
  it('keeps a record with a 300 KB workflow in the file, across extension segments, and reads it back', async () => {
    const before = await noisyJpeg()
    const record = bigRecord(300)
    expect(record.length).toBeGreaterThan(300 * 1024)
    const after = writeImageMetadata(before, { text: {}, userComment: 'a lighthouse, Seed: 1', xmp: { 'comfy-courier': record } })

    const segments = jpegSegments(after).filter((s) => s.marker === APP1)
    const main = segments.filter((s) => starts(s.data, XMP_HEADER))
    const extension = segments.filter((s) => starts(s.data, EXTENDED_XMP_HEADER))
    expect(main).toHaveLength(1)
    const guid = hasExtendedXmp(main[0]!.data.subarray(XMP_HEADER.length).toString('utf8'))
    expect(guid).toMatch(/^[0-9A-F]{32}$/)
    expect(main[0]!.data.toString('utf8')).not.toContain(COURIER_NS) // ours are all in the extended packet
    expect(extension.length).toBe(Math.ceil(extension.reduce((sum, s) => sum + s.data.length - 75, 0) / MAX_CHUNK_BYTES))
    expect(extension.length).toBeGreaterThanOrEqual(5)
    // Each chunk: the GUID, the full length, its offset; the offsets run on without gaps.
    let offset = 0
    for (const s of extension) {
      expect(s.data.subarray(35, 67).toString('latin1')).toBe(guid)
      expect(s.data.readUInt32BE(71)).toBe(offset)
      offset += s.data.length - 75
    }
    expect(extension[0]!.data.readUInt32BE(67)).toBe(offset)

    const raw = readImageMetadata(after)
    expect(raw?.text['comfy-courier']).toBe(record)
    expect(raw?.exif['0x9286']).toBe('a lighthouse, Seed: 1')
    // Still a JPEG that decodes to the same pixels, and libvips reads its XMP.
    const meta = await sharp(after).metadata()
    expect(meta).toMatchObject({ format: 'jpeg', width: 40, height: 24 })
    expect(meta.xmp?.toString('utf8')).toContain(`HasExtendedXMP="${guid}"`)
    expect((await pixels(after)).equals(await pixels(before))).toBe(true)
    // Export's "Remove it" takes the extension segments too.
    expect(jpegSegments(stripImageMetadata(after)).some((s) => s.marker === APP1)).toBe(false)
  })

  it('writes a record that fits in one segment there, with no extension', async () => {
    const after = writeImageMetadata(await noisyJpeg(), { text: {}, userComment: null, xmp: { 'comfy-courier': bigRecord(20) } })
    expect(jpegSegments(after).some((s) => starts(s.data, EXTENDED_XMP_HEADER))).toBe(false)
    expect(readImageMetadata(after)?.xmpExtended).toBeUndefined()
  })

  it('written twice, leaves one extended packet (the new one), keeping another tool’s properties in both packets', async () => {
    const theirs = extendedPacket('x').replace(`xmlns:courier="${COURIER_NS}"><courier:comfy-courier>x</courier:comfy-courier>`, 'xmlns:ps="http://ns.adobe.com/photoshop/1.0/"><ps:History>edited</ps:History>')
    const theirGuid = extendedGuid(Buffer.from(theirs))
    const start = await jpegWith(
      handSegment(APP1, [...bytesOf(XMP_HEADER), ...bytesOf(mainPacket(theirGuid), 'utf8')]),
      handSegment(APP1, chunkPayload(theirGuid, Buffer.byteLength(theirs), 0, Buffer.from(theirs))),
    )
    expect(readImageMetadata(start)?.xmpExtended).toBe(theirs)
    const once = writeImageMetadata(start, { text: {}, userComment: null, xmp: { 'comfy-courier': bigRecord(100) } })
    const record = bigRecord(200)
    const twice = writeImageMetadata(once, { text: {}, userComment: null, xmp: { 'comfy-courier': record } })
    const raw = readImageMetadata(twice)
    expect(raw?.text['comfy-courier']).toBe(record)
    expect(raw?.xmpExtended).toContain('<ps:History>edited</ps:History>')
    expect(raw?.xmpExtended?.split(COURIER_NS).length).toBe(2)
    expect(raw?.xmp).toContain('<dc:format>image/jpeg</dc:format>')
    const guids = new Set(jpegSegments(twice).filter((s) => starts(s.data, EXTENDED_XMP_HEADER)).map((s) => s.data.subarray(35, 67).toString('latin1')))
    expect([...guids]).toEqual([hasExtendedXmp(raw!.xmp!)])
    expect(raw?.xmp?.split('HasExtendedXMP').length).toBe(2) // named once: their note now names the new packet
  })

  it('leaves out a UserComment too long for one EXIF segment, keeping the EXIF there and the record in XMP', async () => {
    const before = new Uint8Array(await fromRaw(noise(40, 24)).withExif({ IFD0: { Make: 'Canon' } }).jpeg().toBuffer())
    const exifBefore = jpegSegments(before).find((s) => starts(s.data, 'Exif\0\0'))!.data
    const prompt = 'a very long prompt, '.repeat(2000) // 40,000 characters: 80 KB as UTF-16
    const record = JSON.stringify({ format: 'comfy-courier/1', prompt })
    const after = writeImageMetadata(before, { text: {}, userComment: prompt, xmp: { 'comfy-courier': record } })
    const exifAfter = jpegSegments(after).find((s) => starts(s.data, 'Exif\0\0'))!.data
    expect(exifAfter.equals(exifBefore)).toBe(true)
    const raw = readImageMetadata(after)
    expect(raw?.exif['0x010f']).toBe('Canon')
    expect(raw?.exif['0x9286']).toBeUndefined()
    expect(raw?.text['comfy-courier']).toBe(record)
    expect((await sharp(after).metadata()).format).toBe('jpeg')
  })

  const exiftool = (() => {
    try {
      execFileSync('exiftool', ['-ver'], { stdio: 'pipe' })
      return true
    } catch {
      return false
    }
  })()
  it.skipIf(!exiftool)(`is read by exiftool, the whole record joined from its chunks${exiftool ? '' : ' (skipped: exiftool is not installed)'}`, async () => {
    const record = bigRecord(300)
    const after = writeImageMetadata(await noisyJpeg(), { text: {}, userComment: null, xmp: { 'comfy-courier': record } })
    const dir = mkdtempSync(join(tmpdir(), 'courier-xmpext-'))
    try {
      const file = join(dir, 'big.jpg')
      writeFileSync(file, after)
      const out = JSON.parse(execFileSync('exiftool', ['-j', '-b', '-XMP-courier:all', '-HasExtendedXMP', '-Warning', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Record<string, unknown>[]
      expect(out[0]?.Warning).toBeUndefined()
      expect(out[0]?.HasExtendedXMP).toBe(hasExtendedXmp(readImageMetadata(after)!.xmp!))
      expect(out[0]?.['Comfy-courier']).toBe(record)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('extended XMP in JPEG: reading files made elsewhere', () => {
  const record = JSON.stringify({ format: 'comfy-courier/1', prompt: 'a harbour', pad: 'p'.repeat(150_000) })
  const packet = Buffer.from(extendedPacket(record), 'utf8')
  const guid = extendedGuid(packet)
  const pieces = [packet.subarray(0, 60_000), packet.subarray(60_000, 120_000), packet.subarray(120_000)]
  const offsets = [0, 60_000, 120_000]
  const chunk = (i: number, over: { guid?: string; fullLength?: number; offset?: number; data?: Uint8Array } = {}) =>
    handSegment(APP1, chunkPayload(over.guid ?? guid, over.fullLength ?? packet.length, over.offset ?? offsets[i]!, over.data ?? pieces[i]!))
  const main = (attribute = true) => handSegment(APP1, [...bytesOf(XMP_HEADER), ...bytesOf(mainPacket(guid, attribute), 'utf8')])

  it('joins hand-built chunks in any order, the GUID named as an element in lower case under another prefix', async () => {
    const file = await jpegWith(main(false), chunk(2), chunk(0), chunk(1))
    const raw = readImageMetadata(file)
    expect(raw?.xmpExtended).toBe(packet.toString('utf8'))
    expect(raw?.text['comfy-courier']).toBe(record)
    expect((await sharp(file).metadata()).format).toBe('jpeg')
  })

  it('tolerates a chunk written twice', async () => {
    expect(readImageMetadata(await jpegWith(main(), chunk(0), chunk(1), chunk(1), chunk(2)))?.text['comfy-courier']).toBe(record)
  })

  it('ignores, safely, extended chunks that are missing, altered, foreign, overlapping, truncated or not named', async () => {
    const flipped = Buffer.from(pieces[1]!)
    flipped[100] = (flipped[100] ?? 0) ^ 1
    const cases: [string, number[][]][] = [
      ['a chunk missing', [main(), chunk(0), chunk(2)]],
      ['a chunk altered (MD5 differs)', [main(), chunk(0), chunk(1, { data: flipped }), chunk(2)]],
      ['chunks for another GUID', [main(), chunk(0, { guid: 'F'.repeat(32) }), chunk(1, { guid: 'F'.repeat(32) }), chunk(2, { guid: 'F'.repeat(32) })]],
      ['full lengths that disagree', [main(), chunk(0), chunk(1, { fullLength: packet.length + 1 }), chunk(2)]],
      ['a chunk past the full length', [main(), chunk(0), chunk(1), chunk(2, { offset: 120_001 })]],
      ['overlapping, different chunks', [main(), chunk(0), chunk(1, { offset: 59_999 }), chunk(2)]],
      ['a chunk cut short of its header', [main(), chunk(0), chunk(1), handSegment(APP1, [...bytesOf(EXTENDED_XMP_HEADER), ...bytesOf(guid.slice(0, 10))])]],
      ['a GUID that is not hex', [main(), ...[0, 1, 2].map((i) => chunk(i, { guid: 'Z'.repeat(32) }))]],
      ['a main packet naming no extension', [handSegment(APP1, [...bytesOf(XMP_HEADER), ...bytesOf(mainPacket(guid).replace('HasExtendedXMP', 'Other'), 'utf8')]), chunk(0), chunk(1), chunk(2)]],
      ['no main packet at all', [chunk(0), chunk(1), chunk(2)]],
    ]
    for (const [what, segments] of cases) {
      const raw = readImageMetadata(await jpegWith(...segments))
      expect(raw, what).not.toBeNull()
      expect(raw?.xmpExtended, what).toBeUndefined()
      expect(raw?.text['comfy-courier'], what).toBeUndefined()
    }
    // The main packet's own properties are still read when its extension is bad.
    const raw = readImageMetadata(await jpegWith(main(), chunk(0)))
    expect(raw?.xmp).toContain('HasExtendedXMP')
  })

  describe('a huge bogus full length', () => {
    afterEach(() => vi.restoreAllMocks())

    it('is refused before anything is allocated for it', () => {
      const concat = vi.spyOn(Buffer, 'concat')
      const alloc = vi.spyOn(Buffer, 'alloc')
      const payload = (fullLength: number) => Uint8Array.from(chunkPayload(guid, fullLength, 0, pieces[0]!))
      expect(joinExtendedXmp([payload(0xffff_ffff)], guid)).toBeNull()
      expect(joinExtendedXmp([payload(MAX_EXTENDED_BYTES + 1)], guid)).toBeNull()
      // Under the limit, but far more than the chunks present: refused as incomplete, still before allocating.
      expect(joinExtendedXmp([payload(MAX_EXTENDED_BYTES)], guid)).toBeNull()
      expect(concat).not.toHaveBeenCalled()
      expect(alloc).not.toHaveBeenCalled()
    })

    it('in a file, reads as no extension', async () => {
      const file = await jpegWith(main(), chunk(0, { fullLength: 0xffff_ffff }))
      expect(readImageMetadata(file)?.xmpExtended).toBeUndefined()
    })
  })

  it('names the GUID as the MD5 of the packet, upper-case hex', () => {
    expect(extendedGuid(Buffer.from('abc'))).toBe(createHash('md5').update('abc').digest('hex').toUpperCase())
  })
})
