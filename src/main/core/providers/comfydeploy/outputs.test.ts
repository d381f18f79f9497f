import { describe, expect, it } from 'vitest'
import { outputKind, toOutputRefs } from './outputs'

const item = (filename: string, url = `https://cdn.test/o/${filename}`) => ({ url, filename, type: 'output' })

describe('toOutputRefs', () => {
  it('reads every ComfyUI ui key of §8, skipping text strings', () => {
    const refs = toOutputRefs([
      {
        id: 'o1',
        data: {
          images: [item('a.png')],
          gifs: [item('clip.mp4'), item('loop.webm')],
          videos: [item('v.mov')],
          audio: [item('voice.flac')],
          files: [item('notes.json'), item('pack.zip')],
          mesh: [item('model.glb')],
          text_file: [item('caption.txt')],
          model_file: [item('lora.safetensors')],
          text: ['a caption', 'another'],
        },
      },
    ])
    expect(refs.map((r) => [r.filename, r.kind])).toEqual([
      ['a.png', 'image'],
      ['clip.mp4', 'video'],
      ['loop.webm', 'video'],
      ['v.mov', 'video'],
      ['voice.flac', 'audio'],
      ['notes.json', 'text'],
      ['pack.zip', 'file'],
      ['model.glb', 'file'],
      ['caption.txt', 'text'],
      ['lora.safetensors', 'file'],
    ])
  })

  it('takes the kind from the extension when the key is generic', () => {
    expect(outputKind('files', item('clip.webm'))).toBe('video')
    expect(outputKind('result', item('pic.JPG'))).toBe('image')
    expect(outputKind('something_new', item('song.mp3'))).toBe('audio')
    expect(outputKind('files', item('archive.tar.gz'))).toBe('file')
    expect(outputKind('files', { url: 'https://cdn.test/o/x.png?sig=1' })).toBe('image')
    // A specific key wins, except still pictures that VideoHelperSuite lists under gifs.
    expect(outputKind('images', item('odd.bin'))).toBe('image')
    expect(outputKind('gifs', item('anim.gif'))).toBe('image')
    expect(outputKind('gifs', item('anim.webp'))).toBe('image')
  })

  it('tolerates odd shapes: non-list values, booleans, items without url, repeated URLs', () => {
    const refs = toOutputRefs([
      { data: { images: [item('a.png'), item('a.png'), { filename: 'nourl.png' }, true, 3], result: true, gifs: 'nope' } },
      { data: null },
      { data: { images: [{ url: 'https://cdn.test/b.png', filename: 7 }] } },
    ])
    expect(refs).toEqual([
      { url: 'https://cdn.test/o/a.png', kind: 'image', filename: 'a.png' },
      { url: 'https://cdn.test/b.png', kind: 'image', filename: null },
    ])
    expect(toOutputRefs(undefined)).toEqual([])
  })
})
