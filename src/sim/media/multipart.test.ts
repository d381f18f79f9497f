import { describe, expect, it } from 'vitest'
import { MultipartError, boundaryOf, parseMultipart } from './multipart'

/** Encodes a FormData the way fetch/undici does, so the parser is tested against a real client's bytes. */
async function encode(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const req = new Request('http://x/', { method: 'POST', body: form })
  return { body: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type') ?? '' }
}

describe('boundaryOf', () => {
  it('reads plain and quoted boundaries, and refuses other types', () => {
    expect(boundaryOf('multipart/form-data; boundary=abc123')).toBe('abc123')
    expect(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary="a b;c"')).toBe('a b;c')
    expect(boundaryOf('application/json')).toBeNull()
    expect(boundaryOf('multipart/form-data')).toBeNull()
    expect(boundaryOf(undefined)).toBeNull()
  })
})

describe('parseMultipart', () => {
  it('parses what undici FormData sends, bytes intact', async () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256))
    // Bytes that look like a delimiter line inside the file must not split it.
    const tricky = Buffer.concat([bytes, Buffer.from('\r\n--not-the-boundary\r\n'), bytes])
    const form = new FormData()
    form.append('note', 'héllo')
    form.append('file', new Blob([tricky], { type: 'image/png' }), 'ref "1".png')
    const { body, contentType } = await encode(form)
    const parts = parseMultipart(body, boundaryOf(contentType)!)
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['note', null, null],
      ['file', 'ref "1".png', 'image/png'],
    ])
    expect(parts[0]!.data.toString('utf8')).toBe('héllo')
    expect(parts[1]!.data.equals(tricky)).toBe(true)
  })

  it('keeps an empty file and a file without a Content-Type', async () => {
    const form = new FormData()
    form.append('file', new Blob([]), 'empty.bin')
    const { body, contentType } = await encode(form)
    const [part] = parseMultipart(body, boundaryOf(contentType)!)
    expect(part).toMatchObject({ name: 'file', filename: 'empty.bin' })
    expect(part!.data.length).toBe(0)
  })

  it('tolerates a preamble, LF line ends, RFC 5987 names and an epilogue', () => {
    const body = Buffer.from(
      [
        'this is a preamble',
        '--XyZ',
        'Content-Disposition: form-data; name="file"; filename="fallback.txt"; filename*=UTF-8\'\'na%C3%AFve.txt',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'line one',
        'line two',
        '--XyZ--',
        'epilogue',
      ].join('\n'),
    )
    const [part] = parseMultipart(body, 'XyZ')
    expect(part).toMatchObject({ name: 'file', filename: 'naïve.txt', contentType: 'text/plain' })
    expect(part!.data.toString()).toBe('line one\nline two')
  })

  it('refuses bodies it cannot frame', () => {
    expect(() => parseMultipart(Buffer.from('no boundary here'), 'b')).toThrow(MultipartError)
    expect(() => parseMultipart(Buffer.from('--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nunterminated'), 'b')).toThrow(
      /ends inside a part/,
    )
    expect(() => parseMultipart(Buffer.from('--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--'), 'b')).toThrow(/Content-Disposition/)
  })
})
