import { open } from 'node:fs/promises'

/** Writes `bytes` to a new `part` (never an existing file) and makes it durable, before it is checked and renamed. */
export async function writeDurably(part: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(part, 'wx', 0o644)
  try {
    await handle.writeFile(bytes)
    await handle.datasync()
  } finally {
    await handle.close()
  }
}
