import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { MEDIA_SCHEME } from '@shared/client'
import { IPC_EVENTS_CHANNEL, ipcChannel, isMethodName } from '@shared/contract'
import type { CourierEvent } from '@shared/events'
import { err } from '@shared/result'
import { installCourier, type CourierTransport } from './main-world'

/*
 * Sandboxed preload (built as CommonJS, out/preload/index.cjs): it turns the contract into
 * `window.courier` and nothing more. Only contract method names ever reach ipcRenderer, so the page
 * cannot name an arbitrary channel; main checks the sender again on its side.
 */

const transport: CourierTransport = {
  async invoke(method, args) {
    if (typeof method !== 'string' || !isMethodName(method)) {
      return err('UNKNOWN_METHOD', `${String(method)} is not a Comfy Courier method`)
    }
    try {
      return await ipcRenderer.invoke(ipcChannel(method), args)
    } catch (error) {
      // Nothing is thrown across the bridge (STYLE §3): an argument that cannot be cloned, or main
      // without a handler, becomes an answer like every other failure.
      return err('INTERNAL', error instanceof Error ? error.message : String(error))
    }
  },
  listen(listener) {
    // The payload alone: the IpcRendererEvent (with its sender) never reaches page code.
    const handler = (_event: IpcRendererEvent, payload: CourierEvent): void => listener(payload)
    ipcRenderer.on(IPC_EVENTS_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(IPC_EVENTS_CHANNEL, handler)
    }
  },
}

contextBridge.executeInMainWorld({ func: installCourier, args: [transport, MEDIA_SCHEME] })
