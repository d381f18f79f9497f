import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'
import type { Output } from '@shared/output'
import { attachmentHeader, downloadName, uniqueNames } from './download-name'
import { resolveInside } from './media'

/** At most this many files in one archive (a gallery page holds 200; a batch at most 16 runs). */
export const ARCHIVE_MAX_FILES = 500

/** Text compresses; images, video and audio are compressed already, so they are stored as they are. */
const compresses = (mime: string): boolean => mime.startsWith('text/') || mime === 'application/json'

export interface ArchiveEntry {
  output: Output
  root: string
}

/**
 * The ZIP's bytes, made file by file as they are read (never the whole archive in memory). Every file is
 * confined like `/media/{id}` (`resolveInside`: a link out of the library, or a file gone, is left out); what
 * was left out is listed in `not-included.txt` inside the archive.
 */
export async function* zipChunks(entries: readonly ArchiveEntry[]): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = []
  let failure: Error | null = null
  const zip = new Zip((error, chunk) => {
    if (error) failure = error
    else ready.push(chunk)
  })
  const drain = function* (): Generator<Uint8Array> {
    if (failure) throw failure
    while (ready.length > 0) yield ready.shift() as Uint8Array
  }
  const names = uniqueNames(entries.map((e) => downloadName(e.output)))
  const left: string[] = []
  for (const [i, { output, root }] of entries.entries()) {
    const name = names[i] ?? `${output.id}.bin`
    const found = await resolveInside(root, output.path)
    if ('status' in found) {
      left.push(`${name}: ${found.reason}`)
      continue
    }
    const file = compresses(output.mime) ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name)
    file.mtime = new Date(output.createdAt)
    zip.add(file)
    for await (const chunk of createReadStream(found.file)) {
      file.push(chunk as Uint8Array)
      yield* drain()
    }
    file.push(new Uint8Array(0), true)
    yield* drain()
  }
  if (left.length > 0) {
    const note = new ZipDeflate('not-included.txt', { level: 6 })
    zip.add(note)
    note.push(new TextEncoder().encode(`These outputs could not be added:\n${left.join('\n')}\n`), true)
  }
  zip.end()
  yield* drain()
}

/** The archive as a web `Response`, streamed; named after what it holds (`dreamscape-sdxl-4-outputs.zip`). */
export function archiveResponse(entries: readonly ArchiveEntry[], name: string): Response {
  const body = Readable.toWeb(Readable.from(zipChunks(entries))) as WebReadableStream<Uint8Array> as ReadableStream<Uint8Array>
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'application/zip',
      'content-disposition': attachmentHeader(name),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  })
}
