import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { be16, be32, bytesOf, fixture, handChunk, handPng, handRiffChunk, handSegment, handWebp } from '../fixtures/fixtures'
import { imageContainer, MetadataWriteError, readImageMetadata, stripImageMetadata, writeImageMetadata } from './image'
import { COURIER_NS } from './xmp'

const FIXTURES = [
  'comfyui-saveimage.png', 'comfyui-animated.png', 'comfyui-animated.webp', 'comfyui-single-lossless.webp',
  'comfyui-single-lossy.webp', 'a1111-parameters.png', 'a1111-utf16be.jpg', 'a1111-utf16le.jpg', 'a1111-utf16be.webp',
]
const add = { text: { 'comfy-courier': '{"x":1}' }, userComment: 'comment', xmp: { 'comfy-courier': '{"x":1}' } }

/** A deflate stream of `mebibytes` MiB of zeros: a few hundred KB that inflate to far more than the cap. */
const bomb = (mebibytes: number) => deflateSync(Buffer.alloc(mebibytes * 1024 * 1024), { level: 9 })

// The hostile inputs below are sized so that an unbounded read (a whole bomb inflated, a quadratic scan) would
// not finish within the test timeout: what they assert is the result; speed is `npm run bench`'s.
describe('imageContainer', () => {
  it('tells PNG, JPEG and WebP by their magic numbers and nothing else', () => {
    expect(FIXTURES.map((name) => imageContainer(fixture(name)))).toEqual(['png', 'png', 'webp', 'webp', 'webp', 'png', 'jpeg', 'jpeg', 'webp'])
    for (const other of ['GIF89a....', 'RIFF\0\0\0\0WAVEfmt ', '', '\x89PNG', '<html>']) {
      expect(imageContainer(Uint8Array.from(bytesOf(other)))).toBeNull()
      expect(readImageMetadata(Uint8Array.from(bytesOf(other)))).toBeNull()
    }
  })
})

describe('hostile and damaged files', () => {
  it('reads every truncation of every fixture, before and after our write, without throwing', () => {
    for (const name of FIXTURES) {
      for (const whole of [fixture(name), writeImageMetadata(fixture(name), add)]) {
        for (let n = 0; n <= whole.length; n += n < 64 ? 1 : 7) {
          expect(() => readImageMetadata(whole.subarray(0, n))).not.toThrow()
        }
      }
    }
  })

  it('keeps the text read before a PNG chunk whose length runs past the end', () => {
    const b = handPng(handChunk('tEXt', [...bytesOf('first'), 0, ...bytesOf('kept')]))
    const iend = b.length - 12
    const broken = Uint8Array.from([...b.subarray(0, iend), ...be32(0x7ffffff0), ...bytesOf('tEXt'), ...bytesOf('second\0lost')])
    expect(readImageMetadata(broken)?.text).toEqual({ first: 'kept' })
    expect(() => writeImageMetadata(broken, add)).toThrow(MetadataWriteError)
  })

  it('does not inflate a zTXt or iTXt zip bomb past the cap, and stays quick', () => {
    const zipped = bomb(200)
    expect(zipped.length).toBeLessThan(400 * 1024)
    const b = handPng(
      handChunk('tEXt', [...bytesOf('before'), 0, ...bytesOf('ok')]),
      handChunk('zTXt', [...bytesOf('bomb'), 0, 0, ...zipped]),
      handChunk('iTXt', [...bytesOf('bomb2'), 0, 1, 0, 0, 0, ...zipped]),
      handChunk('zTXt', [...bytesOf('after'), 0, 0, ...deflateSync(Buffer.from('fine'))]),
    )
    const value = readImageMetadata(b)
    expect(value?.text).toEqual({ before: 'ok', after: 'fine' })
  })

  it('stops inflating anything after a few bombs in one file', () => {
    const zipped = bomb(20)
    const bombs = Array.from({ length: 100 }, (_, i) => handChunk('zTXt', [...bytesOf(`bomb${i}`), 0, 0, ...zipped]))
    const b = handPng(handChunk('tEXt', [...bytesOf('plain'), 0, ...bytesOf('read')]), ...bombs, handChunk('zTXt', [...bytesOf('late'), 0, 0, ...deflateSync(Buffer.from('not inflated'))]))
    const value = readImageMetadata(b)
    // The file's inflate budget (64 MiB) is spent on the first bombs: later compressed text is not read,
    // uncompressed text still is.
    expect(value?.text).toEqual({ plain: 'read' })
  })

  it('reads what it can of damaged JPEG segments and WebP chunks', () => {
    const jpeg = Uint8Array.from([0xff, 0xd8, ...handSegment(0xe1, [...bytesOf('Exif\0\0'), ...bytesOf('MM'), 0, 42, ...be32(8), 0, 1, 0x01, 0x10, 0, 2, ...be32(3), ...bytesOf('m1'), 0, 0, 0, 0, 0, 0]), 0xff, 0xe1, ...be16(60000), 1, 2, 3])
    expect(readImageMetadata(jpeg)).toEqual({ text: {}, exif: { '0x0110': 'm1' }, xmp: null })
    const webp = Uint8Array.from([...handWebp(handRiffChunk('XMP ', bytesOf('<x/>'))), ...bytesOf('EXIF'), 0xff, 0xff, 0, 0, 1, 2])
    expect(readImageMetadata(webp)).toEqual({ text: {}, exif: {}, xmp: '<x/>' })
  })

  it('reads garbage behind each magic number without throwing', () => {
    let seed = 7
    const random = (n: number) => Uint8Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff)
    const magics = [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff], [...bytesOf('RIFF'), 0xff, 0xff, 0xff, 0xff, ...bytesOf('WEBP')]]
    for (let round = 0; round < 300; round++) {
      for (const magic of magics) {
        const b = Uint8Array.from([...magic, ...random(1 + (round % 50) * 40)])
        expect(readImageMetadata(b)).not.toBeNull()
        expect(() => writeImageMetadata(b, add)).toThrow(MetadataWriteError)
        expect(() => stripImageMetadata(b)).toThrow(MetadataWriteError)
      }
    }
  })

  it('scans a hostile XMP packet in linear time', () => {
    const packet = `<rdf:RDF xmlns:c="${COURIER_NS}">` + '<c:a>'.repeat(100_000) + ' c:b="'.repeat(100_000) + ' xmlns:d="'.repeat(50_000)
    const webp = handWebp(handRiffChunk('XMP ', bytesOf(packet, 'utf8')))
    const value = readImageMetadata(webp)
    expect(value?.xmp).toBe(packet)
  })

  it('refuses to write or strip what is not an image it knows', () => {
    for (const junk of [new Uint8Array(0), Uint8Array.from(bytesOf('GIF89a')), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])]) {
      expect(() => writeImageMetadata(junk, add)).toThrow(MetadataWriteError)
      expect(() => stripImageMetadata(junk)).toThrow(MetadataWriteError)
    }
  })
})
