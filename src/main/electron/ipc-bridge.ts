import { ipcMain, type BrowserWindow } from 'electron'
import { IPC_EVENTS_CHANNEL, ipcChannel, methodNames } from '@shared/contract'
import { err } from '@shared/result'
import type { Core } from '../core/core-types'
import { isFromAppFrame } from './ipc-sender'
import type { RendererLocation } from './url-policy'

/**
 * Turns the contract into IPC handlers for one window (STYLE §4.2): every method ends in `core.invoke`,
 * which validates the arguments, so this layer only decides *who* may call. Returns the undo; it also
 * runs by itself when the window closes, so a window opened later (macOS dock) can install a new bridge.
 */
export function installIpcBridge(
  core: Pick<Core, 'invoke' | 'events'>,
  win: BrowserWindow,
  location: RendererLocation,
): () => void {
  // Kept apart from `win`: after 'closed', `win.webContents` throws; these stay usable.
  const contents = win.webContents
  const contentsId = contents.id

  // Our window's top frame showing our own page, nothing else (ipc-sender.ts, tested there).
  const fromOurWindow = (event: Parameters<typeof isFromAppFrame>[2]): boolean => isFromAppFrame(location, contentsId, event)

  for (const name of methodNames) {
    ipcMain.handle(ipcChannel(name), (event, raw: unknown) =>
      fromOurWindow(event) ? core.invoke(name, raw) : err('FORBIDDEN', `${name}: not from the app's own page`),
    )
  }

  const unsubscribe = core.events.subscribe((event) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENTS_CHANNEL, event)
  })

  let disposed = false
  const dispose = (): void => {
    if (disposed) return
    disposed = true
    unsubscribe()
    for (const name of methodNames) ipcMain.removeHandler(ipcChannel(name))
    win.removeListener('closed', dispose)
  }
  win.on('closed', dispose)
  return dispose
}
