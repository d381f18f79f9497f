/**
 * A small `multipart/form-data` parser (RFC 7578) for the upload route: the body is already in memory, so
 * parts are views into it (no copies). Tolerates a preamble, an epilogue, LF-only line ends and quoted or
 * RFC 5987 (`filename*=UTF-8''…`) names; refuses what it cannot frame.
 */

export interface FormPart {
  name: string
  filename: string | null
  /** The part's Content-Type, lowercased without parameters; null when the part has none. */
  contentType: string | null
  data: Buffer
}

export class MultipartError extends Error {
  override name = 'MultipartError'
}

/** The boundary from a `multipart/form-data; boundary=…` Content-Type, or null when it is not one. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return null
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType)
  return match ? (match[1] ?? match[2] ?? null) : null
}

/** `a="b"; c=d` → {a: 'b', c: 'd'}; quoted values may contain `;` and `\"`. Keys are lowercased. */
function headerParams(value: string): { head: string; params: Record<string, string> } {
  const params: Record<string, string> = {}
  const semi = value.indexOf(';')
  const head = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase()
  const re = /;\s*([^=\s;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const key = (m[1] ?? '').toLowerCase()
    params[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim()
  }
  return { head, params }
}

function decodeExtValue(value: string): string | null {
  const m = /^([\w!#$%&+^`{}~-]+)'[^']*'(.*)$/.exec(value)
  if (!m) return null
  const raw = m[2] ?? ''
  if (m[1]?.toLowerCase() !== 'utf-8') return raw.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  try {
    return decodeURIComponent(raw)
  } catch {
    return null
  }
}

/** Browsers percent-encode `"` (and CR/LF) in quoted names: undo just those. */
const unquoteName = (name: string) => name.replace(/%22/gi, '"').replace(/%0d/gi, '\r').replace(/%0a/gi, '\n')

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1')
  const parts: FormPart[] = []
  // The first delimiter may open the body or follow a preamble line.
  let at = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : body.indexOf(Buffer.from(`\n--${boundary}`, 'latin1'))
  if (at < 0) throw new MultipartError('no multipart boundary in the body')
  if (at > 0) at += 1
  for (;;) {
    at += delimiter.length
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts // `--boundary--`: the end
    // Transport padding, then the line end.
    while (body[at] === 0x20 || body[at] === 0x09) at++
    if (body[at] === 0x0d) at++
    if (body[at] !== 0x0a) throw new MultipartError('malformed multipart delimiter line')
    at++

    let headerEnd = body.indexOf('\r\n\r\n', at, 'latin1')
    let contentStart = headerEnd + 4
    const lfEnd = body.indexOf('\n\n', at, 'latin1')
    if (lfEnd >= 0 && (headerEnd < 0 || lfEnd < headerEnd)) {
      headerEnd = lfEnd
      contentStart = lfEnd + 2
    }
    if (headerEnd < 0) throw new MultipartError('multipart part without a header end')
    // Header bytes are UTF-8 in every browser and in undici's FormData.
    const headers = parseHeaders(body.toString('utf8', at, headerEnd))

    const next = body.indexOf(Buffer.from(`\n--${boundary}`, 'latin1'), contentStart)
    if (next < 0) throw new MultipartError('multipart body ends inside a part')
    const contentEnd = body[next - 1] === 0x0d ? next - 1 : next

    const disposition = headerParams(headers['content-disposition'] ?? '')
    if (disposition.head !== 'form-data' || disposition.params.name === undefined) {
      throw new MultipartError('multipart part without Content-Disposition: form-data; name=…')
    }
    const extName = disposition.params['filename*'] === undefined ? null : decodeExtValue(disposition.params['filename*'])
    const filename = extName ?? (disposition.params.filename === undefined ? null : unquoteName(disposition.params.filename))
    const type = headers['content-type']
    parts.push({
      name: unquoteName(disposition.params.name),
      filename,
      contentType: type ? headerParams(type).head : null,
      data: body.subarray(contentStart, contentEnd),
    })
    at = next + 1
  }
}
