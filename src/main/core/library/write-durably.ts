import type { Hash } from 'node:crypto'
import { open } from 'node:fs/promises'

/**
 * A file's bytes: one buffer, or pieces that follow one another in the file. A grid image is written from
 * its pieces (its head, then each band): joined first, its 20 MB were copied twice more, 80 ms of page faults.
 */
export type FileBytes = Uint8Array | readonly Uint8Array[]

const piecesOf = (bytes: FileBytes): readonly Uint8Array[] => (bytes instanceof Uint8Array ? [bytes] : bytes)

/** How many bytes the file holds. */
export const fileLength = (bytes: FileBytes): number => piecesOf(bytes).reduce((sum, piece) => sum + piece.length, 0)

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

/**
 * Writes `parts` to a new file `part` one after another, each the moment it is ready, and makes the file durable.
 * While a part is still being made, what is already written is synced, so the last sync has little left to
 * flush: a grid image's file is written and synced while its last band is drawn. `hash` is fed every byte in
 * order. Answers the pieces written, in order, to check the file against (`readsBackAs`).
 */
export async function writeDurablyInTurn(part: string, parts: readonly (FileBytes | Promise<FileBytes>)[], hash?: Hash): Promise<Uint8Array[]> {
  const ready = new Set<number>()
  parts.forEach((next, i) => {
    if (next instanceof Promise) next.then(() => ready.add(i), () => ready.add(i))
    else ready.add(i)
  })
  const handle = await open(part, 'wx', 0o644)
  const written: Uint8Array[] = []
  const syncs: Promise<void>[] = []
  let syncing = false
  try {
    for (const [i, next] of parts.entries()) {
      if (!ready.has(i) && !syncing) {
        syncing = true
        const sync = handle.datasync().finally(() => {
          syncing = false
        })
        // Seen at the end, whatever happens before.
        sync.catch(() => {})
        syncs.push(sync)
      }
      const pieces = piecesOf(await next)
      for (const piece of pieces) hash?.update(piece)
      // One gathered write (libuv writes on past short writes and the kernel's limit of pieces per call).
      const { bytesWritten } = await handle.writev(pieces as Uint8Array[])
      const length = fileLength(pieces)
      if (bytesWritten !== length) throw new Error(`only ${bytesWritten} of ${length} bytes were written`)
      written.push(...pieces)
    }
    await Promise.all(syncs)
    await handle.datasync()
  } finally {
    await Promise.allSettled(syncs)
    await handle.close()
  }
  return written
}

/** Read back a megabyte at a time: a 20 MB grid image read whole was a fresh 20 MB buffer's page faults and a second hash. */
const READ_BACK_CHUNK = 1024 * 1024

/** Whether the file at `path` holds exactly `bytes`: what a durable write is checked with before it is renamed. */
export async function readsBackAs(path: string, bytes: FileBytes): Promise<boolean> {
  const pieces = piecesOf(bytes)
  const length = fileLength(bytes)
  const handle = await open(path, 'r')
  try {
    const chunk = Buffer.allocUnsafe(Math.min(READ_BACK_CHUNK, Math.max(1, length)))
    let at = 0
    // Where the next byte read is expected: this piece, this far into it.
    let piece = 0
    let within = 0
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, at)
      if (bytesRead === 0) return at === length
      if (at + bytesRead > length) return false
      for (let done = 0; done < bytesRead; ) {
        const expected = pieces[piece]!
        const take = Math.min(expected.length - within, bytesRead - done)
        if (!chunk.subarray(done, done + take).equals(expected.subarray(within, within + take))) return false
        done += take
        within += take
        if (within === expected.length) {
          piece++
          within = 0
        }
      }
      at += bytesRead
    }
  } finally {
    await handle.close()
  }
}
