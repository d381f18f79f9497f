import { BrowserWindow, shell, type Session } from 'electron'
import { externalHttpsUrl, isAppUrl, type RendererLocation } from './url-policy'

export interface MainWindowOptions {
  location: RendererLocation
  preloadPath: string
  iconPath: string
  log: (message: string) => void
}

/** Painted before the page draws, so the first frame matches the dark UI instead of flashing white. */
const BACKGROUND = '#0f1317'

/**
 * The one app window. Every preference that matters for security is spelled out even where it is
 * Electron's default, so a later default change or a copied snippet cannot loosen it unnoticed; none is
 * relaxed for development or tests (STYLE §6).
 */
export function createMainWindow({ location, preloadPath, iconPath, log }: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    title: 'Comfy Courier',
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    backgroundColor: BACKGROUND,
    icon: iconPath,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    },
  })
  win.once('ready-to-show', () => win.show())

  const contents = win.webContents
  const leaveApp = (url: string): void => {
    const external = externalHttpsUrl(url)
    if (external) {
      shell.openExternal(external).catch((error: unknown) => log(`could not open ${external}: ${String(error)}`))
    } else {
      log(`blocked navigation to ${JSON.stringify(url)}`)
    }
  }
  // A link to the outside world opens in the user's browser (https only); the window itself never leaves the app.
  contents.on('will-navigate', (event) => {
    if (isAppUrl(location, event.url)) return
    event.preventDefault()
    leaveApp(event.url)
  })
  contents.on('will-redirect', (event) => {
    if (isAppUrl(location, event.url)) return
    event.preventDefault()
    log(`blocked redirect to ${JSON.stringify(event.url)}`)
  })
  contents.setWindowOpenHandler(({ url }) => {
    leaveApp(url)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())

  const loaded =
    location.kind === 'dev' ? win.loadURL(location.url) : win.loadFile(location.indexPath)
  loaded.catch((error: unknown) => log(`the window could not load its page: ${String(error)}`))
  return win
}

/**
 * The page asks for nothing the app needs from the OS, so every permission is refused, with two
 * exceptions for our own top-level page only: writing plain text to the clipboard ("copy prompt") and
 * fullscreen (a video in the gallery). Both are harmless and both break silently when denied.
 */
const ALLOWED_FOR_APP = new Set<string>(['clipboard-sanitized-write', 'fullscreen'])

export function lockDownSession(session: Session, location: RendererLocation): void {
  const allowed = (permission: string, requestingUrl: string | undefined, isMainFrame: boolean): boolean =>
    ALLOWED_FOR_APP.has(permission) && isMainFrame && requestingUrl !== undefined && isAppUrl(location, requestingUrl)

  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(allowed(permission, details.requestingUrl, details.isMainFrame))
  })
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    allowed(permission, details.requestingUrl, details.isMainFrame),
  )
  // No device pickers either (WebHID, serial, USB): the app never asks, so nothing may.
  session.setDevicePermissionHandler(() => false)
}
