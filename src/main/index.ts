import { join, resolve } from 'node:path'
import { app, dialog, safeStorage, session, shell, type BrowserWindow } from 'electron'
import { createCore } from './core/create-core'
import type { Core } from './core/core-types'
import { parseCourierFlags } from './electron/cli-flags'
import { installIpcBridge } from './electron/ipc-bridge'
import { registerMediaScheme, serveMedia } from './electron/media-protocol'
import { createSecretBox } from './electron/secret-box'
import { resolveRendererLocation, type RendererLocation } from './electron/url-policy'
import { createMainWindow, lockDownSession } from './electron/window'

/*
 * Electron entry (bundled to out/main/index.js). Core does all the work; this file only builds it with
 * Electron's pieces (user-data folder, safeStorage), then adds the transport: the courier-media protocol,
 * the IPC bridge and the window. See docs/electron.md.
 */

const log = (message: string): void => console.error(`[electron] ${message}`)

// This file is the bundle's entry, so its own folder is out/main wherever the app is launched from.
const mainDir = import.meta.dirname

function main(): void {
  const flags = parseCourierFlags(process.argv)

  // --data-dir (then COURIER_DATA_DIR) also becomes Electron's userData: Chromium's profile lands next
  // to courier.db, and the single-instance lock below is per data folder, so a test run with its own
  // folder never collides with the user's open app.
  const customDataDir = flags['data-dir'] ?? process.env.COURIER_DATA_DIR
  if (customDataDir) app.setPath('userData', resolve(customDataDir))

  if (!app.requestSingleInstanceLock()) {
    // Another Comfy Courier owns this data folder; it gets focused through 'second-instance'.
    app.quit()
    return
  }

  // Every renderer sandboxed, whatever a window's options say; and the media scheme's privileges,
  // which Electron accepts only before 'ready'.
  app.enableSandbox()
  registerMediaScheme()

  const { location, warning } = resolveRendererLocation({
    mainDir,
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    isPackaged: app.isPackaged,
  })
  if (warning) log(warning)

  let core: Core | null = null
  let started = false
  let win: BrowserWindow | null = null
  let stopping: Promise<void> | null = null

  const openWindow = (running: Core, where: RendererLocation): void => {
    const created = createMainWindow({
      location: where,
      preloadPath: join(mainDir, '..', 'preload', 'index.cjs'),
      iconPath: join(mainDir, '..', '..', 'resources', 'icon.png'),
      log,
    })
    installIpcBridge(running, created, where)
    created.on('closed', () => {
      if (win === created) win = null
    })
    win = created
  }

  app.on('second-instance', () => {
    if (!win) return
    if (win.isMinimized()) win.restore()
    win.focus()
  })

  app
    .whenReady()
    .then(async () => {
      const secrets = createSecretBox(safeStorage, process.platform, log)
      core = createCore({
        dataDir: app.getPath('userData'),
        mode: 'electron',
        flags,
        env: process.env,
        secrets,
        version: app.getVersion(),
        // Deleted outputs go to the OS trash; open and reveal hand files to the desktop.
        trash: (path) => shell.trashItem(path),
        desktop: { openPath: (path) => shell.openPath(path), showItemInFolder: (path) => shell.showItemInFolder(path) },
      })
      await core.start()
      if (stopping) return // the user quit while core was starting; before-quit is already unwinding it
      lockDownSession(session.defaultSession, location)
      serveMedia(core, log)
      openWindow(core, location)
      started = true
    })
    .catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error)
      log(`start-up failed: ${error instanceof Error && error.stack ? error.stack : message}`)
      dialog.showErrorBox(
        'Comfy Courier could not start',
        `${message}\n\nData folder: ${app.getPath('userData')}`,
      )
      // Unwind whatever core did start (stop() only undoes what started), then leave with a failure code.
      await core?.stop().catch((stopError: unknown) => log(`stop after failed start: ${String(stopError)}`))
      app.exit(1)
    })

  // The listener keeps receiving webhooks while the app runs, so on macOS closing the window keeps the
  // app alive in the dock (as Mail does) and 'activate' brings a window back.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    // Only once core is up: the dock icon can be clicked while it is still starting.
    if (core && started && !stopping && !win) openWindow(core, location)
  })

  // core.stop() closes the database and the listener cleanly; quitting waits for it, exactly once.
  app.on('before-quit', (event) => {
    if (!core) return
    const running = core
    event.preventDefault()
    if (stopping) return
    stopping = running
      .stop()
      .catch((error: unknown) => log(`core.stop failed: ${String(error)}`))
      .finally(() => {
        core = null // the next before-quit (from app.quit below) passes straight through
        app.quit()
      })
  })
}

main()
