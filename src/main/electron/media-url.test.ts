import { describe, expect, it } from 'vitest'
import { parseMediaUrl } from './media-url'

describe('parseMediaUrl', () => {
  it('reads the output id from courier-media://output/<id>', () => {
    expect(parseMediaUrl('courier-media://output/out_01J9Z')).toBe('out_01J9Z')
  })

  it('decodes what mediaUrl encoded', () => {
    const id = 'a b:c+é'
    expect(parseMediaUrl(`courier-media://output/${encodeURIComponent(id)}`)).toBe(id)
  })

  it('accepts the host in any case, as Chromium lowercases standard schemes', () => {
    expect(parseMediaUrl('courier-media://OUTPUT/abc')).toBe('abc')
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
    ['garbage', 'not a url'],
  ])('refuses %s', (_why, url) => {
    expect(parseMediaUrl(url)).toBeNull()
  })
})
