import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { RgbImage } from './png'
import { renderPicture, renderPng, type PictureSpec } from './procedural-image'

/** A picture asked of the painter thread. */
export interface PaintRequest {
  id: number
  kind: 'png' | 'pixels'
  spec: PictureSpec
}

/** Its answer: PNG bytes, or for `pixels` the RGB pixels of `width` × `height`. */
export interface PaintReply {
  id: number
  bytes: ArrayBuffer
  width: number
  height: number
}

/**
 * Who draws the simulator's pictures. The Demo stands for a provider's GPU, which never shares the user's
 * cores; drawn on the host's main thread, its pictures took about half of the web host's time while a
 * 20×20 grid filled, and competed with the window drawing the grid. A worker thread at the lowest priority
 * draws them where the host has one (the built app); tests and `npm run sim` draw them in-process.
 */
export interface PicturePainter {
  /** The picture as PNG bytes. */
  png(spec: PictureSpec): Promise<Buffer>
  /** The picture's pixels, for the WebP and JPEG outputs. */
  pixels(spec: PictureSpec): Promise<RgbImage>
  close(): Promise<void>
}

/** Draws on the calling thread. */
export function inlinePainter(): PicturePainter {
  return {
    png: async (spec) => renderPng(spec),
    pixels: async (spec) => renderPicture(spec),
    close: async () => {},
  }
}

/**
 * Draws in a worker thread running `entry` (the bundled `painter-worker`). Should the worker fail to start
 * or die, what it had in hand and everything after is drawn in-process instead: a picture is never lost.
 */
export function workerPainter(entry: string, log: (line: string) => void = () => {}): PicturePainter {
  const inline = inlinePainter()
  if (!existsSync(entry)) {
    log(`painter: no worker at ${entry}; drawing in-process`)
    return inline
  }
  const pending = new Map<number, { request: PaintRequest; resolve: (reply: PaintReply) => void }>()
  let nextId = 1
  let worker: Worker | null = new Worker(entry)
  // An idle painter does not keep the process alive; a picture in hand does (ref'd while pending).
  worker.unref()
  const fallBack = (why: string) => {
    if (worker === null) return
    log(`painter: ${why}; drawing in-process from now on`)
    worker = null
    for (const { request, resolve } of pending.values()) resolve(paintInline(request))
    pending.clear()
  }
  worker.on('message', (reply: PaintReply) => {
    const waiting = pending.get(reply.id)
    if (!waiting) return
    pending.delete(reply.id)
    if (pending.size === 0) worker?.unref()
    waiting.resolve(reply)
  })
  worker.on('error', (error) => fallBack(`the worker failed: ${error.message}`))
  worker.on('exit', (code) => fallBack(`the worker exited (${code})`))

  const paint = (request: Omit<PaintRequest, 'id'>): Promise<PaintReply> => {
    if (worker === null) return Promise.resolve(paintInline({ ...request, id: 0 }))
    const id = nextId++
    const full = { ...request, id }
    return new Promise((resolve) => {
      pending.set(id, { request: full, resolve })
      worker!.ref()
      worker!.postMessage(full)
    })
  }
  return {
    png: async (spec) => Buffer.from((await paint({ kind: 'png', spec })).bytes),
    pixels: async (spec) => {
      const reply = await paint({ kind: 'pixels', spec })
      return { width: reply.width, height: reply.height, pixels: new Uint8Array(reply.bytes) }
    },
    close: async () => {
      const closing = worker
      worker = null
      for (const { request, resolve } of pending.values()) resolve(paintInline(request))
      pending.clear()
      await closing?.terminate()
    },
  }
}

/** The bytes of a view as an ArrayBuffer of their own, which can be transferred to another thread. */
const ownBytes = (view: Uint8Array): ArrayBuffer => view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer

/** What the worker would have answered, drawn here. */
export function paintInline(request: PaintRequest): PaintReply {
  if (request.kind === 'png') return { id: request.id, bytes: ownBytes(renderPng(request.spec)), width: 0, height: 0 }
  const { width, height, pixels } = renderPicture(request.spec)
  return { id: request.id, bytes: ownBytes(pixels), width, height }
}
