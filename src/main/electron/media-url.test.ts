import { describe, expect, it } from 'vitest'
import { parseMediaUrl } from './media-url'

describe('parseMediaUrl', () => {
  it('reads the output id from courier-media://output/<id>', () => {
    expect(parseMediaUrl('courier-media://output/out_01J9Z')).toEqual({ outputId: 'out_01J9Z', thumbnail: false })
  })

  it('reads a thumbnail request from courier-media://thumb/<id>', () => {
    expect(parseMediaUrl('courier-media://thumb/out_01J9Z')).toEqual({ outputId: 'out_01J9Z', thumbnail: true })
    expect(parseMediaUrl('courier-media://THUMB/abc')).toEqual({ outputId: 'abc', thumbnail: true })
  })

  it('decodes what mediaUrl encoded', () => {
    const id = 'a b:c+é'
    expect(parseMediaUrl(`courier-media://output/${encodeURIComponent(id)}`)?.outputId).toBe(id)
  })

  it('accepts the host in any case, as Chromium lowercases standard schemes', () => {
    expect(parseMediaUrl('courier-media://OUTPUT/abc')?.outputId).toBe('abc')
  })

  it.each([
    ['another scheme', 'https://output/abc'],
    ['file URLs', 'file:///etc/passwd'],
    ['another host', 'courier-media://library/abc'],
    ['no id', 'courier-media://output/'],
    ['no path', 'courier-media://output'],
    ['nested paths', 'courier-media://output/abc/def'],
    ['dot segments that URL parsing resolves', 'courier-media://output/x/../../etc/passwd'],
    ['an encoded slash', 'courier-media://output/..%2F..%2Fetc%2Fpasswd'],
    ['an encoded backslash', 'courier-media://output/..%5Cwin.ini'],
    ['an encoded dot-dot', 'courier-media://output/%2E%2E'],
    ['a NUL byte', 'courier-media://output/abc%00.png'],
    ['malformed percent-encoding', 'courier-media://output/%E0%A4%A'],
    ['a query', 'courier-media://output/abc?path=/etc/passwd'],
    ['credentials', 'courier-media://user:pw@output/abc'],
    ['ids longer than an OutputId', `courier-media://output/${'a'.repeat(65)}`],
    ['a thumbnail of a dot-dot', 'courier-media://thumb/%2E%2E'],
    ['a thumbnail of an encoded path', 'courier-media://thumb/..%2F..%2Fcourier.db'],
    ['a thumbnail of an absolute path', 'courier-media://thumb/%2Fetc%2Fpasswd'],
    ['a thumbnail with a query', 'courier-media://thumb/abc?thumb=1'],
    ['a host that only looks like ours', 'courier-media://thumbs/abc'],
    ['an inherited property name as host', 'courier-media://constructor/abc'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_why, url) => {
    expect(parseMediaUrl(url)).toBeNull()
  })
})
