import { randomBytes } from 'node:crypto'
import { open, rename, rm, writeFile } from 'node:fs/promises'

/**
 * The sidecar: a JSON object of text entries (`{"comfy-courier": "…", "prompt": "…"}`) beside a file whose
 * container cannot hold them (or that ffmpeg could not rewrite). Named after the whole file name,
 * `clip.mp4` → `clip.mp4.json`, so that `clip.mp4` and `clip.webm` never share one.
 */
export function sidecarPath(filePath: string): string {
  return `${filePath}.json`
}

/** A sidecar larger than this is not ours (a big ComfyUI workflow is a few hundred KB). */
export const MAX_SIDECAR_BYTES = 4 * 1024 * 1024

/**
 * Writes `text` as the sidecar of `filePath`, replacing any: written to a `.part` file of its own beside it,
 * then renamed over, so a reader sees the old sidecar or the new one, never half of one. Throws when it
 * cannot (no `.part` is left behind).
 */
export async function writeSidecar(filePath: string, text: Record<string, string>): Promise<void> {
  const target = sidecarPath(filePath)
  for (const value of Object.values(text)) {
    if (typeof value !== 'string') throw new Error('a sidecar holds text entries only')
  }
  const json = `${JSON.stringify(text, null, 2)}\n`
  if (Buffer.byteLength(json) > MAX_SIDECAR_BYTES) throw new Error(`the sidecar would be larger than ${MAX_SIDECAR_BYTES} bytes`)
  // Unique, so two writers at once never write into one `.part`.
  const part = `${target}.${randomBytes(4).toString('hex')}.part`
  try {
    await writeFile(part, json, { encoding: 'utf8', mode: 0o644, flag: 'wx' })
    await rename(part, target)
  } catch (error) {
    await rm(part, { force: true })
    throw error
  }
}

/**
 * The entries of `filePath`'s sidecar; null when there is none, or it is larger than `MAX_SIDECAR_BYTES`,
 * or it is not a JSON object of strings.
 */
export async function readSidecar(filePath: string): Promise<Record<string, string> | null> {
  let raw: Buffer
  try {
    const handle = await open(sidecarPath(filePath), 'r')
    try {
      if (!(await handle.stat()).isFile()) return null
      // Read one byte past the limit: a file that grew since is still caught.
      const buffer = Buffer.alloc(MAX_SIDECAR_BYTES + 1)
      let length = 0
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
        if (bytesRead === 0) break
        length += bytesRead
        if (length > MAX_SIDECAR_BYTES) return null
      }
      raw = buffer.subarray(0, length)
    } finally {
      await handle.close()
    }
  } catch {
    return null
  }
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw))
  } catch {
    return null
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null
  const entries = Object.entries(json)
  if (!entries.every((entry): entry is [string, string] => typeof entry[1] === 'string')) return null
  // fromEntries makes every key an own property, `__proto__` too.
  return Object.fromEntries(entries)
}
