import { randomInt } from 'node:crypto'
import type { SimContext } from '../context'
import { detail, json, type Reply, type SimRequest } from '../http/router'
import { UPLOADS_KEY } from '../media/media-store'
import { MultipartError, boundaryOf, parseMultipart } from '../media/multipart'
import type { ValidationIssue } from './queue-request'

/** `POST /file/upload` refuses files above this (comfydeploy.md §7): 250 MB, counted as MiB like the server. */
export const UPLOAD_LIMIT_BYTES = 250 * 1024 * 1024
/** Room for the multipart framing around a file at the limit. */
export const UPLOAD_BODY_SLACK = 1024 * 1024

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

const EXT_BY_MIME: Record<string, string> = {
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/jpg': '.jpg',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'image/x-exr': '.exr',
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'video/quicktime': '.mov',
  'audio/mpeg': '.mp3',
  'audio/wav': '.wav',
  'audio/x-wav': '.wav',
  'audio/ogg': '.ogg',
  'audio/flac': '.flac',
  'application/zip': '.zip',
  'application/x-zip-compressed': '.zip',
  'application/json': '.json',
  'application/octet-stream': '.bin',
}

/** `img_`/`vid_`/`audio_`/`zip_`/`file_` + 16 letters and digits, by MIME, like the server's ids. */
export function newFileId(mime: string): string {
  const prefix = mime.startsWith('image/')
    ? 'img_'
    : mime.startsWith('video/')
      ? 'vid_'
      : mime.startsWith('audio/')
        ? 'audio_'
        : /zip/.test(mime)
          ? 'zip_'
          : 'file_'
  let id = prefix
  for (let i = 0; i < 16; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)]
  return id
}

/** The stored name's extension: the uploaded name's when it is a plain one, else one for the MIME type. */
function extensionFor(filename: string | null, mime: string): string {
  const own = /(\.[A-Za-z0-9]{1,16})$/.exec(filename ?? '')?.[1]
  return own ? own.toLowerCase() : (EXT_BY_MIME[mime] ?? '')
}

function store(ctx: SimContext, bytes: Uint8Array, mime: string, filename: string | null) {
  const fileId = newFileId(mime)
  const stored = `${fileId}${extensionFor(filename, mime)}`
  ctx.media.put(UPLOADS_KEY, stored, { bytes, contentType: mime })
  return { fileId, url: `${ctx.baseUrl()}/media/${UPLOADS_KEY}/${stored}` }
}

const fieldRequired = (field: string): Reply =>
  json(422, { detail: [{ type: 'missing', loc: ['body', field], msg: 'Field required', input: null }] })

/**
 * `POST /api/file/upload`, multipart field `file` (§7): stores the bytes and answers with a URL the simulator
 * serves, `${url}/media/uploads/<file_id><ext>`. A declared body far over the limit is refused before it is
 * read, so a client can see the 400 without sending 250 MB.
 */
export async function handleUpload(ctx: SimContext, req: SimRequest, limit = UPLOAD_LIMIT_BYTES): Promise<Reply> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit + UPLOAD_BODY_SLACK) return detail(400, 'File size exceeds 250MB limit')
  const boundary = boundaryOf(req.headers['content-type'])
  if (boundary === null) return fieldRequired('file')
  let parts
  try {
    parts = parseMultipart(await req.body(), boundary)
  } catch (error) {
    if (error instanceof MultipartError) return detail(400, 'There was an error parsing the body')
    throw error
  }
  const file = parts.find((part) => part.name === 'file' && part.filename !== null)
  if (!file) return fieldRequired('file')
  if (file.data.length > limit) return detail(400, 'File size exceeds 250MB limit')
  const mime = file.contentType ?? 'application/octet-stream'
  if (!/^(image|video|audio|application)\//.test(mime)) return detail(400, 'Unsupported file type')
  // A view into the request body, not a copy: the body is barely larger than the file, and a 250 MB upload
  // should not cost 500 MB.
  const { fileId, url } = store(ctx, file.data, mime, file.filename)
  ctx.stats.filesUploaded++
  ctx.log(`upload ${fileId} ${file.filename ?? ''} ${mime} ${file.data.length} B`)
  return json(200, { message: 'File uploaded successfully', file_id: fileId, file_name: file.filename, file_url: url })
}

const DATA_IMAGE = /^data:image\/(png|jpeg|jpg);base64,/i

/**
 * The server moves `data:image/png|jpeg|jpg;base64,` inputs to storage and keeps the URL instead (§7):
 * the same here, for top-level strings and lists of strings; other data URIs pass through raw.
 */
export function moveDataUris<V>(ctx: SimContext, inputs: Record<string, V>): Record<string, V> {
  const move = <T>(value: T): T | string => {
    if (typeof value !== 'string') return value
    const match = DATA_IMAGE.exec(value)
    if (!match) return value
    const mime = match[1]?.toLowerCase() === 'png' ? 'image/png' : 'image/jpeg'
    return store(ctx, Buffer.from(value.slice(match[0].length), 'base64'), mime, null).url
  }
  // A data URI becomes a URL: a string stays a string, a list stays a list, so the value keeps its type.
  return Object.fromEntries(
    Object.entries(inputs).map(([key, value]) => [key, (Array.isArray(value) ? value.map(move) : move(value)) as V]),
  )
}

/**
 * Inputs pointing at the simulator's own upload area must name a file it holds (the real runner would fail
 * to download it mid-run; the simulator says so at once, with the input's name).
 */
export function missingUploads(ctx: SimContext, inputs: Record<string, unknown>): ValidationIssue[] {
  const prefix = `${ctx.baseUrl()}/media/${UPLOADS_KEY}/`
  const issues: ValidationIssue[] = []
  for (const [key, value] of Object.entries(inputs)) {
    const refs = Array.isArray(value) ? value : [value]
    for (const ref of refs) {
      if (typeof ref !== 'string' || !ref.startsWith(prefix)) continue
      let name = ''
      try {
        name = decodeURIComponent(new URL(ref).pathname.split('/').at(-1) ?? '')
      } catch {
        // A malformed URL names no stored file: reported below.
      }
      if (name && ctx.media.entry(UPLOADS_KEY, name)) continue
      issues.push({ loc: ['body', 'inputs', key], msg: 'Input points at no uploaded file', type: 'value_error', input: ref })
      break
    }
  }
  return issues
}
