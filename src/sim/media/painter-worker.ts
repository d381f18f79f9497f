import { setPriority } from 'node:os'
import { isMainThread, parentPort } from 'node:worker_threads'
import { paintInline, type PaintRequest } from './painter'

/**
 * The Demo's painter thread (see painter.ts): draws each picture it is sent and posts the bytes back.
 * Built as its own entry (electron.vite.config.ts) and started by the web host and the desktop app.
 */

if (!isMainThread && parentPort) {
  const port = parentPort
  // Linux keeps a nice value per thread, so this lowers the painter alone, below the host and the window,
  // as a provider's GPU never competes with them. Elsewhere the call would lower the whole process: there
  // the painter keeps the normal priority and is still off the host's main thread.
  if (process.platform === 'linux') {
    try {
      setPriority(19)
    } catch {
      // drawn at the normal priority
    }
  }
  port.on('message', (request: PaintRequest) => {
    const reply = paintInline(request)
    port.postMessage(reply, [reply.bytes])
  })
}
