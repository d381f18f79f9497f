import { describe, expect, it } from 'vitest'
import { SEED_WEBHOOKS, SPEC_EXAMPLES, SPEC_WEBHOOKS, VARIANT_WEBHOOKS } from './fixtures'
import { fileNameOfUrl, kindFromName, toOutputRefs } from './outputs'

const CDN = 'https://serverless-api-storage.runcomfy.net/o'

describe('toOutputRefs: ComfyUI node-keyed outputs', () => {
  it('takes the image of §11 and skips the text channel of the compound node', () => {
    expect(toOutputRefs(SPEC_EXAMPLES.resultSucceeded)).toEqual([{ url: `${CDN}/ComfyUI_00001_.png`, kind: 'image', filename: 'ComfyUI_00001_.png' }])
  })

  it('maps channels to kinds, lets a known extension correct them, and keeps unknown channels as files', () => {
    const outputs = {
      '9': { images: [{ url: `${CDN}/a.png`, filename: 'a.png', subfolder: '', type: 'output' }] },
      '12': { gifs: [{ url: `${CDN}/clip.mp4`, filename: 'clip.mp4', format: 'video/h264-mp4' }] },
      '13': { audio: [{ url: `${CDN}/voice.flac`, filename: 'voice.flac' }] },
      '14': { images: [{ url: `${CDN}/anim.webm`, filename: 'anim.webm' }], animated: [true] },
      '15': { '3d': [{ url: `${CDN}/mesh.glb`, filename: 'mesh.glb' }] },
      '16': { videos: [{ url: `${CDN}/noext`, filename: null }] },
    }
    expect(toOutputRefs({ outputs })).toEqual([
      { url: `${CDN}/a.png`, kind: 'image', filename: 'a.png' },
      { url: `${CDN}/clip.mp4`, kind: 'video', filename: 'clip.mp4' },
      { url: `${CDN}/voice.flac`, kind: 'audio', filename: 'voice.flac' },
      { url: `${CDN}/anim.webm`, kind: 'video', filename: 'anim.webm' },
      { url: `${CDN}/mesh.glb`, kind: 'file', filename: 'mesh.glb' },
      { url: `${CDN}/noext`, kind: 'video', filename: null },
    ])
  })

  it('orders nodes naturally (9 before 10, compound ids by their numbers), de-duplicates, skips raw values', () => {
    const outputs = {
      '38:42': { images: [{ url: `${CDN}/sub.png`, filename: 'sub.png' }], text: [['a caption']] },
      '10': { images: [{ url: `${CDN}/b.png` }, { url: `${CDN}/a.png` }] },
      '9': { images: [{ url: `${CDN}/a.png`, filename: 'a.png' }], text: ['https-not-a-url', 42, null, { filename: 'no-url.png' }] },
      '38:5': { object_key: ['o/k.png'], images: [`${CDN}/raw-string.png`] },
    }
    expect(toOutputRefs({ outputs }).map((ref) => ref.url)).toEqual([
      `${CDN}/a.png`,
      `${CDN}/b.png`,
      `${CDN}/raw-string.png`,
      `${CDN}/sub.png`,
    ])
  })

  it('gives the same order whatever order the keys arrive in', () => {
    const a = { '2': { images: [{ url: `${CDN}/2.png` }] }, 'x:1': { images: [{ url: `${CDN}/x.png` }] }, '1': { images: [{ url: `${CDN}/1.png` }] } }
    const b = { 'x:1': a['x:1'], '1': a['1'], '2': a['2'] }
    expect(toOutputRefs({ outputs: a })).toEqual(toOutputRefs({ outputs: b }))
  })

  it('ignores outputs that are not an object', () => {
    expect(toOutputRefs({ outputs: [] })).toEqual([])
    expect(toOutputRefs({ outputs: 'x' })).toEqual([])
    expect(toOutputRefs({})).toEqual([])
  })
})

describe('toOutputRefs: LoRA `output`', () => {
  it('reads the webhook examples (§7 and seed 002)', () => {
    expect(toOutputRefs(SPEC_WEBHOOKS.succeeded)).toEqual([
      { url: `${CDN}/output-1.png`, kind: 'image', filename: 'output-1.png' },
      { url: `${CDN}/output-2.png`, kind: 'image', filename: 'output-2.png' },
    ])
    expect(toOutputRefs(SEED_WEBHOOKS.succeeded).map((ref) => ref.url)).toEqual(['https://example.com/output-1.png', 'https://example.com/output-2.png'])
    expect(toOutputRefs(VARIANT_WEBHOOKS.outcomeOnly)).toEqual([{ url: `${CDN}/clip.mp4`, kind: 'video', filename: 'clip.mp4' }])
  })

  it('scans url, path, image, images, video, videos, audio at any depth, like the MCP server', () => {
    const output = {
      seed: 42,
      caption: 'https://example.com/not-a-listed-key.png',
      image: `${CDN}/one.webp`,
      videos: [`${CDN}/v1.mp4`, 'not a url'],
      audio: { url: `${CDN}/speech` , content_type: 'audio/mpeg' },
      result: { files: [{ path: `${CDN}/deep/model.safetensors` }, { url: `${CDN}/deep/pic.jpg` }] },
      images: [{ url: `${CDN}/obj.png`, width: 1024 }],
    }
    expect(toOutputRefs({ output })).toEqual([
      { url: `${CDN}/one.webp`, kind: 'image', filename: 'one.webp' },
      { url: `${CDN}/v1.mp4`, kind: 'video', filename: 'v1.mp4' },
      { url: `${CDN}/speech`, kind: 'audio', filename: 'speech' },
      { url: `${CDN}/deep/model.safetensors`, kind: 'file', filename: 'model.safetensors' },
      { url: `${CDN}/deep/pic.jpg`, kind: 'image', filename: 'pic.jpg' },
      { url: `${CDN}/obj.png`, kind: 'image', filename: 'obj.png' },
    ])
  })

  it('takes a kind from a content type when neither key nor extension says', () => {
    expect(toOutputRefs({ output: { result: { url: `${CDN}/blob`, content_type: 'video/mp4' } } })[0]?.kind).toBe('video')
  })

  it('puts node-keyed outputs first and drops a URL both carry', () => {
    const refs = toOutputRefs({
      outputs: { '9': { images: [{ url: `${CDN}/same.png`, filename: 'same.png' }] } },
      output: { images: [`${CDN}/same.png`, `${CDN}/other.png`] },
    })
    expect(refs.map((ref) => ref.url)).toEqual([`${CDN}/same.png`, `${CDN}/other.png`])
  })
})

describe('helpers', () => {
  it('kindFromName', () => {
    expect(kindFromName('A.PNG')).toBe('image')
    expect(kindFromName('x.mov')).toBe('video')
    expect(kindFromName('x.wav')).toBe('audio')
    expect(kindFromName('notes.txt')).toBe('text')
    expect(kindFromName('mesh.glb')).toBeNull()
    expect(kindFromName(null)).toBeNull()
  })

  it('fileNameOfUrl decodes the last segment and ignores the query', () => {
    expect(fileNameOfUrl('https://x.runcomfy.net/o/my%20pic.png?X-Amz-Signature=abc')).toBe('my pic.png')
    expect(fileNameOfUrl('https://x.runcomfy.net/')).toBeNull()
    expect(fileNameOfUrl('not a url')).toBeNull()
  })
})
