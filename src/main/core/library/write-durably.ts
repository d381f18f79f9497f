import { open } from 'node:fs/promises'

/**
 * Writes `bytes` to `part` and makes it durable, before it is checked and renamed. `wx` (the default) refuses an
 * existing file; `w` overwrites one (a `.part` a crash left behind).
 */
export async function writeDurably(part: string, bytes: Uint8Array, flag: 'wx' | 'w' = 'wx'): Promise<void> {
  const handle = await open(part, flag, 0o644)
  try {
    await handle.writeFile(bytes)
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

/** Read back a megabyte at a time: a 20 MB grid image read whole was a fresh 20 MB buffer's page faults and a second hash. */
const READ_BACK_CHUNK = 1024 * 1024

/** Whether the file at `path` holds exactly `bytes`: what a durable write is checked with before it is renamed. */
export async function readsBackAs(path: string, bytes: Uint8Array): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const chunk = Buffer.allocUnsafe(Math.min(READ_BACK_CHUNK, Math.max(1, bytes.length)))
    let at = 0
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, at)
      if (bytesRead === 0) return at === bytes.length
      if (at + bytesRead > bytes.length || !chunk.subarray(0, bytesRead).equals(bytes.subarray(at, at + bytesRead))) return false
      at += bytesRead
    }
  } finally {
    await handle.close()
  }
}
