import { describe, expect, it } from 'vitest'
import { isPreviewable, previewText } from './text-preview'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('previewText', () => {
  it('lays out JSON read whole', () => {
    expect(previewText(bytes('{"a":[1,2]}'), 11, 'application/json')).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}', truncated: false })
  })

  it('shows JSON that does not parse, and text, as they are (markup stays text)', () => {
    expect(previewText(bytes('{"a":'), 5, 'application/json').text).toBe('{"a":')
    expect(previewText(bytes('<b>hi</b>'), 9, 'text/plain').text).toBe('<b>hi</b>')
  })

  it('says when the file goes on, and drops a character cut in half', () => {
    const cut = bytes('café').slice(0, 4) // "caf" and the first byte of "é"
    expect(previewText(cut, 1_000_000, 'text/plain')).toEqual({ text: 'caf', truncated: true })
  })

  it('knows which files it can show', () => {
    expect(isPreviewable('text/plain')).toBe(true)
    expect(isPreviewable('application/json')).toBe(true)
    expect(isPreviewable('application/octet-stream')).toBe(false)
  })
})
