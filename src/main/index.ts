import { join, resolve } from 'node:path'
import { app, dialog, Notification, nativeImage, safeStorage, screen, session, shell, type BrowserWindow } from 'electron'
import { createCore } from './core/create-core'
import type { Core } from './core/core-types'
import type { Logger } from './core/log/logger'
import { acquireDataLock, describeHolder } from './core/instance/data-lock'
import { parseCourierFlags } from './electron/cli-flags'
import { installIpcBridge } from './electron/ipc-bridge'
import { registerMediaScheme, serveMedia } from './electron/media-protocol'
import { watchRuns, type RunNotifier, type ShownNotification } from './electron/notifications'
import { closeAction, createQuitFlow, TRAY_HINT } from './electron/quit-guard'
import { createSecretBox } from './electron/secret-box'
import { createAppTray, type AppTray } from './electron/tray'
import { badgeSupported } from './electron/tray-menu'
import { resolveRendererLocation, type RendererLocation } from './electron/url-policy'
import { createMainWindow, lockDownSession } from './electron/window'
import { loadWindowState, restoreBounds, saveWindowState, type WindowState } from './electron/window-state'

/*
 * Electron entry (bundled to out/main/index.js). Core does all the work; this file only builds it with
 * Electron's pieces (user-data folder, safeStorage), then adds the transport (courier-media protocol, IPC
 * bridge, window) and the desktop's comforts: notifications, tray, quit prompt, remembered window place.
 * Every decision lives in a tested module under ./electron; this file wires them. See docs/electron.md.
 */

// This file is the bundle's entry, so its own folder is out/main wherever the app is launched from.
const mainDir = import.meta.dirname
const resourcesDir = join(mainDir, '..', '..', 'resources')

/** Core's logger once core exists (same file, rotation and redaction); stderr before that. */
let shellLog: Logger | null = null
const log = (message: string): void => {
  if (shellLog) shellLog.warn(message)
  else console.error(`[electron] ${message}`)
}

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
  // One core per data folder, across kinds too: the web host or a `courier` command may have it open
  // (docs/cli.md). The desktop app publishes no API to the command line, so it holds the folder alone.
  const dataLock = acquireDataLock(app.getPath('userData'), 'electron')
  if (!dataLock.ok) {
    dialog.showErrorBox(
      'Comfy Courier is already using this data folder',
      `${app.getPath('userData')} is in use by ${describeHolder(dataLock.holder)}. Stop it first, or start the app with another --data-dir.`,
    )
    app.exit(1)
    return
  }

  // Every renderer sandboxed, whatever a window's options say; and the media scheme's privileges,
  // which Electron accepts only before 'ready'.
  app.enableSandbox()
  registerMediaScheme()
  // Windows shows notifications only for an app with an AppUserModelID (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('app.comfycourier.desktop')

  const { location, warning } = resolveRendererLocation({
    mainDir,
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
    isPackaged: app.isPackaged,
  })
  if (warning) log(warning)

  let core: Core | null = null
  let started = false
  let win: BrowserWindow | null = null
  let tray: AppTray | null = null
  let notifier: RunNotifier | null = null
  let windowState: WindowState | null = null
  /** Electron drops a notification's handlers once nothing holds it: keep them until they are done. */
  const notifications = new Set<Notification>()

  const dataDir = (): string => app.getPath('userData')

  const rememberWindow = (target: BrowserWindow): void => {
    if (!windowState || target.isDestroyed()) return
    windowState = { ...windowState, bounds: target.getNormalBounds(), maximized: target.isMaximized() }
    try {
      saveWindowState(dataDir(), windowState)
    } catch (error) {
      log(`could not save the window's place: ${String(error)}`)
    }
  }

  const notify = (notification: ShownNotification): void => {
    if (!Notification.isSupported()) return
    const shown = new Notification({
      title: notification.title,
      body: notification.body,
      icon: notification.iconPng ? nativeImage.createFromBuffer(notification.iconPng) : join(resourcesDir, 'icon.png'),
    })
    notifications.add(shown)
    const forget = (): void => void notifications.delete(shown)
    shown.on('click', () => {
      forget()
      notification.onClick()
    })
    shown.on('close', forget)
    shown.on('failed', (_event, error) => {
      forget()
      log(`notification failed: ${error}`)
    })
    shown.show()
  }

  const quitFlow = createQuitFlow({
    liveCount: () => notifier?.liveCount() ?? 0,
    ask: async (prompt) => {
      const parent = win && !win.isDestroyed() && win.isVisible() ? win : null
      const answer = parent ? await dialog.showMessageBox(parent, prompt) : await dialog.showMessageBox(prompt)
      return answer.response
    },
    stop: async () => {
      notifier?.stop()
      await core?.stop()
    },
    quit: () => {
      core = null // the next before-quit (from this quit) passes straight through
      tray?.destroy()
      tray = null
      app.quit()
    },
    // Closing the last window without a tray quits; Cancel must not leave an app with nothing on screen.
    cancelled: () => {
      if (!win && !tray) void showWindow()
    },
    log,
  })

  const openWindow = (running: Core, where: RendererLocation): BrowserWindow => {
    windowState ??= loadWindowState(dataDir())
    const bounds = restoreBounds(windowState.bounds, screen.getAllDisplays(), screen.getPrimaryDisplay())
    const created = createMainWindow({
      location: where,
      preloadPath: join(mainDir, '..', 'preload', 'index.cjs'),
      iconPath: join(resourcesDir, 'icon.png'),
      bounds,
      maximized: windowState.maximized,
      log,
    })
    installIpcBridge(running, created, where)
    created.on('close', (event) => {
      rememberWindow(created)
      if (closeAction({ platform: process.platform, quitting: quitFlow.quitting, hasTray: tray !== null }) === 'close') return
      // Hidden, not closed: runs, webhooks and downloads go on; the tray brings it back.
      event.preventDefault()
      created.hide()
      if (windowState && !windowState.trayHintShown) {
        windowState = { ...windowState, trayHintShown: true }
        rememberWindow(created)
        notify({ ...TRAY_HINT, iconPng: null, onClick: () => void showWindow() })
      }
    })
    created.on('closed', () => {
      if (win === created) win = null
    })
    win = created
    return created
  }

  /** Shows and focuses the window, creating it if it was closed; resolves once its page has loaded. */
  const showWindow = async (): Promise<void> => {
    if (!core || !started) return
    const target = win && !win.isDestroyed() ? win : openWindow(core, location)
    if (target.isMinimized()) target.restore()
    target.show()
    target.focus()
    if (target.webContents.isLoading()) {
      await new Promise<void>((done) => target.webContents.once('did-finish-load', () => done()))
    }
  }

  app.on('second-instance', () => void showWindow())

  app
    .whenReady()
    .then(async () => {
      const secrets = createSecretBox(safeStorage, process.platform, log)
      core = createCore({
        dataDir: dataDir(),
        mode: 'electron',
        flags,
        env: process.env,
        secrets,
        version: app.getVersion(),
        demoPainterWorker: join(mainDir, 'painter-worker.js'),
        // Deleted outputs go to the OS trash; open and reveal hand files to the desktop.
        trash: (path) => shell.trashItem(path),
        desktop: { openPath: (path) => shell.openPath(path), showItemInFolder: (path) => shell.showItemInFolder(path) },
      })
      // From here on the shell's own lines go through core's logger (logs/courier.log, redacted).
      shellLog = core.log.child('electron')
      const running = core
      await running.start()
      if (quitFlow.quitting || !core) return // the user quit while core was starting; before-quit is unwinding it
      lockDownSession(session.defaultSession, location)
      serveMedia(running, log)
      openWindow(running, location)
      started = true

      tray = createAppTray({ resourcesDir, show: () => void showWindow(), quit: () => app.quit(), log })
      const startedAt = Date.now()
      const listed = await running.call('runs.list', { limit: 500 })
      notifier = watchRuns({
        core: running,
        initialRuns: listed.ok ? listed.value : [],
        startedAt,
        isWindowFocused: () => win !== null && !win.isDestroyed() && win.isVisible() && win.isFocused(),
        show: notify,
        showWindow,
        onLiveCount: (count) => {
          tray?.setLiveCount(count)
          if (badgeSupported(process.platform)) app.setBadgeCount(count)
        },
        log,
      })
    })
    .catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error)
      log(`start-up failed: ${error instanceof Error && error.stack ? error.stack : message}`)
      dialog.showErrorBox('Comfy Courier could not start', `${message}\n\nData folder: ${dataDir()}`)
      // Unwind whatever core did start (stop() only undoes what started), then leave with a failure code.
      await core?.stop().catch((stopError: unknown) => log(`stop after failed start: ${String(stopError)}`))
      app.exit(1)
    })

  // Windows and Linux: with a tray the window only hides, so this means the app is quitting (or there is
  // no tray). macOS: the app stays in the dock with its listener running, as Mail does.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('activate', () => {
    // Only once core is up: the dock icon can be clicked while it is still starting.
    if (!quitFlow.quitting) void showWindow()
  })

  // Menu Quit, Cmd+Q and the tray's Quit all come here: a prompt while runs are live, then core.stop()
  // (database and listener closed cleanly), then the app quits.
  app.on('before-quit', (event) => {
    if (!core) return
    quitFlow.beforeQuit(event)
  })
}

main()
