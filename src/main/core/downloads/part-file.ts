import { close, createWriteStream, fdatasync, fsync, open, type WriteStream } from 'node:fs'
import { promisify } from 'node:util'

/**
 * Where a download's bytes go: the `.part` file. Injectable, so a test can make the disk fill up at a
 * chosen byte without filling a real disk.
 */
export interface PartFile {
  /**
   * Queues `chunk`. Returns a promise only when the caller should wait (the buffer is full); it rejects,
   * and so does every later call, once a write has failed (ENOSPC, EIO…).
   */
  write(chunk: Uint8Array): Promise<void> | undefined
  /** Writes out what is queued, fsyncs, and closes: after this the bytes are on the disk. */
  commit(): Promise<void>
  /** Closes without syncing, after a failure or a cut; never throws. */
  abort(): Promise<void>
}

export type OpenPart = (path: string, mode: 'append' | 'truncate') => Promise<PartFile>

/** Bytes buffered ahead of the disk: reading from the network and writing overlap up to this much. */
const BUFFER_BYTES = 1024 * 1024

/**
 * Written bytes after which the file's data is flushed to the disk in the background while the download
 * goes on, so the final fsync finds little left to write (without it, a 1 GB file waits seconds at the end).
 */
const FLUSH_EVERY_BYTES = 64 * 1024 * 1024

const openFd = promisify(open)
const fsyncFd = promisify(fsync)
const fdatasyncFd = promisify(fdatasync)
const closeFd = promisify(close)

/**
 * The real `.part` file: a write stream over a descriptor we keep (not a `FileHandle`, whose `close()`
 * waits for a stream that never lets go of it), so it can be fsynced before it is closed.
 */
export const openPartFile: OpenPart = async (path, mode) => {
  const fd = await openFd(path, mode === 'append' ? 'a' : 'w', 0o644)
  const stream: WriteStream = createWriteStream('', { fd, highWaterMark: BUFFER_BYTES, autoClose: false })
  let failure: Error | null = null
  let closed = false
  let sinceFlush = 0
  let flushing: Promise<void> | null = null
  let draining: Promise<void> | null = null
  stream.on('error', (error) => (failure ??= error))
  const closeOnce = async () => {
    if (closed) return
    closed = true
    // A flush still running uses the descriptor: let it finish before the number can be reused.
    await flushing
    await closeFd(fd)
  }
  return {
    write(chunk) {
      if (failure) return Promise.reject(failure)
      sinceFlush += chunk.length
      if (sinceFlush >= FLUSH_EVERY_BYTES && flushing === null && !closed) {
        sinceFlush = 0
        flushing = fdatasyncFd(fd).then(
          () => {
            flushing = null
          },
          (error: Error) => {
            failure ??= error
            flushing = null
          },
        )
      }
      if (stream.write(chunk)) return undefined
      // One wait for the next drain, shared by every write made before it: a host pauses a moment after
      // being asked, so several chunks can land while the buffer is full.
      draining ??= new Promise<void>((resolve, reject) => {
        const done = () => {
          stream.off('drain', done)
          stream.off('error', done)
          draining = null
          if (failure) reject(failure)
          else resolve()
        }
        stream.on('drain', done)
        stream.on('error', done)
      })
      return draining
    },
    async commit() {
      try {
        if (failure) throw failure
        await new Promise<void>((resolve, reject) => {
          stream.once('error', reject)
          // Node hands the callback the write error (before 'error' is emitted); the types do not say so.
          const ended = (error?: Error | null) => {
            const cause = error ?? failure
            if (cause) reject(cause)
            else resolve()
          }
          stream.end(ended as () => void)
        })
        await flushing
        if (failure) throw failure
        await fsyncFd(fd)
      } finally {
        await closeOnce().catch(() => {})
      }
    },
    async abort() {
      // Wait for a write in flight to finish before the descriptor is closed (and its number reused).
      if (!stream.closed) {
        const gone = new Promise<void>((resolve) => stream.once('close', () => resolve()))
        stream.destroy()
        await gone
      }
      await closeOnce().catch(() => {})
    },
  }
}
