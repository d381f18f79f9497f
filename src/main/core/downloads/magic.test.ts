import { describe, expect, it } from 'vitest'
import { checkContent, sniffMedia, sniffText } from './magic'

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))
const pad = (head: Buffer) => Buffer.concat([head, Buffer.alloc(64 - Math.min(64, head.length), 1)])

describe('sniffMedia', () => {
  it.each([
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png', 'png'],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg', 'jpg'],
    ['GIF', bytes('GIF89a'), 'image/gif', 'gif'],
    ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp', 'webp'],
    ['WAV', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'audio/wav', 'wav'],
    ['MP4', bytes([0, 0, 0, 0x20], 'ftypisom'), 'video/mp4', 'mp4'],
    ['MOV', bytes([0, 0, 0, 0x14], 'ftypqt  '), 'video/quicktime', 'mov'],
    ['M4A', bytes([0, 0, 0, 0x20], 'ftypM4A '), 'audio/mp4', 'm4a'],
    ['AVIF', bytes([0, 0, 0, 0x1c], 'ftypavif'), 'image/avif', 'avif'],
    ['WebM', bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01], [0x42, 0x82, 0x84], 'webm'), 'video/webm', 'webm'],
    ['Matroska', bytes([0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x86, 0x81, 0x01], [0x42, 0x82, 0x88], 'matroska'), 'video/x-matroska', 'mkv'],
    ['FLAC', bytes('fLaC'), 'audio/flac', 'flac'],
    ['Ogg', bytes('OggS'), 'audio/ogg', 'ogg'],
    ['MP3 with ID3', bytes('ID3', [4, 0]), 'audio/mpeg', 'mp3'],
    ['MP3 frame', bytes([0xff, 0xfb, 0x90, 0x64]), 'audio/mpeg', 'mp3'],
  ])('%s', (_name, head, mime, ext) => {
    expect(sniffMedia(pad(head))).toMatchObject({ mime, ext })
  })

  it('knows nothing of text or noise', () => {
    expect(sniffMedia(Buffer.from('<!DOCTYPE html><html>'))).toBeNull()
    expect(sniffMedia(Buffer.alloc(64))).toBeNull()
    expect(sniffMedia(bytes([0xff, 0xf1, 0x50]))).toBeNull() // AAC ADTS is not MP3
  })
})

describe('sniffText', () => {
  it.each([
    ['\uFEFF  <!doctype html><html>', 'html'],
    ['\n<html lang="en">', 'html'],
    ['<?xml version="1.0"?><Error><Code>AccessDenied</Code>', 'xml'],
    ['{"detail":"Not Found"}', 'json'],
    ['[1,2,3]', 'json'],
    ['Service Unavailable', 'text'],
  ])('%j is %s', (text, kind) => {
    expect(sniffText(Buffer.from(text))).toBe(kind)
  })
})

describe('checkContent', () => {
  const html = Buffer.from('<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body></body></html>')
  it('refuses a page, JSON or text where media was promised, naming what came instead', () => {
    expect(checkContent(html, { kind: 'image', contentType: 'image/png' })).toEqual({ ok: false, message: 'the host sent a web page instead of the image' })
    expect(checkContent(html, { kind: 'file', contentType: 'video/mp4' })).toEqual({ ok: false, message: 'the host sent a web page instead of the video' })
    expect(checkContent(Buffer.from('{"error":"expired"}'), { kind: 'audio', contentType: null })).toEqual({
      ok: false,
      message: 'the host sent JSON data instead of the audio file',
    })
    expect(checkContent(Buffer.alloc(0), { kind: 'image', contentType: 'image/png' })).toMatchObject({ ok: false, message: /empty file/ })
  })

  it('refuses bytes that do not match a declared type it can check, and keeps one it cannot', () => {
    const noise = Buffer.alloc(64, 0x01)
    expect(checkContent(noise, { kind: 'image', contentType: 'image/png' })).toMatchObject({ ok: false, message: /not the image\/png image it declared/ })
    expect(checkContent(noise, { kind: 'image', contentType: 'image/tiff' })).toEqual({ ok: true, sniffed: null })
  })

  it('lets the bytes decide the type, and lets text outputs be text', () => {
    const png = pad(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(checkContent(png, { kind: 'image', contentType: 'image/jpeg' })).toMatchObject({ ok: true, sniffed: { mime: 'image/png' } })
    expect(checkContent(Buffer.from('{"files":[]}'), { kind: 'file', contentType: 'application/json' })).toEqual({ ok: true, sniffed: null })
    expect(checkContent(Buffer.from('a caption'), { kind: 'text', contentType: 'text/plain' })).toEqual({ ok: true, sniffed: null })
  })
})
