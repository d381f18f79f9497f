import { open } from 'node:fs/promises'
import { UPLOAD_MAX_BYTES } from '@shared/contract'
import { err, ok, type Result } from '@shared/result'
import type { OutputsRepo } from '../store/outputs-repo'
import { downloadName } from './download-name'
import { resolveInside } from './media'

/** A saved output's bytes, named as a download is, ready to be sent on to a provider. */
export interface OutputFile {
  fileName: string
  mime: string
  bytes: Buffer
}

const mebibytes = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`

/**
 * Reads a saved output to send it on as an input (`uploads.fromOutput`). The file is confined exactly as
 * `/media/{id}` is (its real path inside the library, no link out), and held to the size an upload from the
 * form may have; at most one byte more than measured is read, so a file still being written is refused.
 */
export async function readOutputFile(outputs: Pick<OutputsRepo, 'get' | 'location'>, id: string): Promise<Result<OutputFile>> {
  const output = outputs.get(id)
  const location = outputs.location(id)
  if (!output || !location) return err('NOT_FOUND', `There is no output ${id} in the library: it may have been deleted.`)
  const found = await resolveInside(location.root, location.path)
  if ('status' in found) {
    return found.status === 403
      ? err('FORBIDDEN', `The file of this output is not inside the library folder (${found.reason}), so it is not sent anywhere.`)
      : err('NOT_FOUND', `The file of this output is no longer on disk (${location.path}).`)
  }
  const tooBig = (size: number) =>
    err('BAD_INPUT', `This output is ${mebibytes(size)}; files over 25 MiB cannot be used as an input from here.`, 'file')
  if (found.size > UPLOAD_MAX_BYTES) return tooBig(found.size)
  if (found.size === 0) return err('BAD_INPUT', 'The file of this output is empty.', 'file')

  const handle = await open(found.file, 'r')
  try {
    // One byte more than measured: a file that grew (or shrank) since it was measured is being written.
    const bytes = Buffer.alloc(found.size + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, length)
      if (bytesRead === 0 || (length += bytesRead) === bytes.length) break
    }
    if (length !== found.size) return err('CONFLICT', 'The file of this output changed while it was read. Try again in a moment.')
    return ok({ fileName: downloadName(output), mime: output.mime, bytes: bytes.subarray(0, length) })
  } finally {
    await handle.close()
  }
}
