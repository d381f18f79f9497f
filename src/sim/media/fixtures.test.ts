import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { motionLoopClips } from './fixtures'

const file = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url))

describe('Motion Loop fixtures', () => {
  it('embeds exactly the committed files, each under 100 KB', () => {
    for (const clip of motionLoopClips()) {
      expect(clip.bytes.equals(file(clip.filename)), `${clip.filename}: run fixtures/make-fixtures.sh`).toBe(true)
      expect(clip.bytes.length).toBeLessThan(100 * 1024)
    }
  })

  it('are a VP9 WebM and an H.264 MP4', () => {
    const [webm, mp4] = motionLoopClips()
    expect(webm!.contentType).toBe('video/webm')
    expect(webm!.bytes.subarray(0, 4).toString('hex')).toBe('1a45dfa3') // EBML
    expect(webm!.bytes.includes(Buffer.from('webm'))).toBe(true)
    expect(webm!.bytes.includes(Buffer.from('V_VP9'))).toBe(true)
    expect(mp4!.contentType).toBe('video/mp4')
    expect(mp4!.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp')
    expect(mp4!.bytes.includes(Buffer.from('avc1'))).toBe(true)
    // faststart: the index (moov) comes before the media data, so a player can start at once.
    expect(mp4!.bytes.indexOf('moov')).toBeLessThan(mp4!.bytes.indexOf('mdat'))
  })
})
