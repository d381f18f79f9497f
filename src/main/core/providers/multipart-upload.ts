import { randomBytes } from 'node:crypto'

const CHUNK = 64 * 1024

/** A name safe inside a quoted multipart header: no quotes, backslashes or line breaks. */
const headerSafe = (name: string) => name.replace(/["\\\r\n]/g, '_')

/**
 * One file as a `multipart/form-data` body, streamed in chunks so the caller learns how much the service
 * has taken: `onProgress` fires as the HTTP client pulls each chunk, and once more at the end.
 */
export function multipartFile(opts: {
  field: string
  fileName: string
  mime: string
  bytes: Buffer
  onProgress?: (sentBytes: number, totalBytes: number) => void
}): { body: ReadableStream<Uint8Array>; contentType: string; length: number } {
  const boundary = `----courier${randomBytes(12).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${headerSafe(opts.field)}"; filename="${headerSafe(opts.fileName)}"\r\n` +
      `Content-Type: ${headerSafe(opts.mime)}\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const whole = Buffer.concat([head, opts.bytes, tail])
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= whole.length) {
        controller.close()
        return
      }
      const chunk = whole.subarray(sent, sent + CHUNK)
      sent += chunk.length
      controller.enqueue(new Uint8Array(chunk))
      opts.onProgress?.(sent, whole.length)
    },
  })
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length: whole.length }
}
