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
