import { extname } from 'node:path'
import sanitize from 'sanitize-filename'
import type { OutputKind } from '@shared/output'
import { shortRunId } from '@shared/run-id'

/** Types we save, by MIME type: the extension comes from here, never from the provider's URL. */
const MIME_EXT: Record<string, { ext: string; kind: OutputKind }> = {
  'image/png': { ext: 'png', kind: 'image' },
  'image/jpeg': { ext: 'jpg', kind: 'image' },
  'image/webp': { ext: 'webp', kind: 'image' },
  'image/gif': { ext: 'gif', kind: 'image' },
  'video/mp4': { ext: 'mp4', kind: 'video' },
  'video/webm': { ext: 'webm', kind: 'video' },
  'audio/mpeg': { ext: 'mp3', kind: 'audio' },
  'audio/wav': { ext: 'wav', kind: 'audio' },
  'audio/flac': { ext: 'flac', kind: 'audio' },
  'text/plain': { ext: 'txt', kind: 'text' },
  'application/json': { ext: 'json', kind: 'file' },
}
const EXT_MIME = Object.fromEntries(Object.entries(MIME_EXT).map(([mime, { ext }]) => [ext, mime]))
EXT_MIME.jpeg = 'image/jpeg'

/** The MIME type we trust for a saved file: the server's, if we know it, else the provider's file name's. */
export function savedType(contentType: string | null, providerFilename: string | null): { mime: string; ext: string; kind: OutputKind } {
  const mime = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  const known = MIME_EXT[mime]
  if (known) return { mime, ...known }
  const fromName = providerFilename ? extname(providerFilename).slice(1).toLowerCase() : ''
  const guessed = EXT_MIME[fromName]
  const guessedType = guessed ? MIME_EXT[guessed] : undefined
  if (guessed && guessedType) return { mime: guessed, ...guessedType }
  return { mime: 'application/octet-stream', ext: 'bin', kind: 'file' }
}

/** A folder name from a deployment name: readable, safe on every OS, never empty. */
export function folderName(name: string): string {
  const cleaned = sanitize(name.normalize('NFKC'), { replacement: '' })
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .toLowerCase()
    .slice(0, 60)
  return cleaned || 'deployment'
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `{yyyy-mm-dd}/{deployment}/{runShort}-{n}.{ext}`, relative to the library, in local time, with `/`. */
export function outputRelativePath(opts: { createdAt: number; deploymentName: string; runId: string; index: number; ext: string }): string {
  const day = new Date(opts.createdAt)
  const date = `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`
  const runShort = shortRunId(opts.runId)
  return `${date}/${folderName(opts.deploymentName)}/${runShort}-${opts.index + 1}.${opts.ext}`
}
