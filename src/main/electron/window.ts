import { BrowserWindow, nativeTheme, shell } from 'electron'
import { navigationRules } from './navigation-rules'
import { pageToLoad, type RendererLocation } from './url-policy'
import { mainWindowOptions, type WindowBounds } from './window-options'

export { lockDownSession } from './session-policy'

export interface MainWindowOptions {
  location: RendererLocation
  preloadPath: string
  iconPath: string
  /** Restored from window-state.json (already clamped to a visible display). */
  bounds?: WindowBounds
  maximized?: boolean
  log: (message: string) => void
}

/**
 * The one app window: options from `window-options.ts` (every security preference spelled out),
 * navigation and pop-up rules from `navigation-rules.ts`. This file only wires them to Electron.
 */
export function createMainWindow({ location, preloadPath, iconPath, bounds, maximized, log }: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions({ preloadPath, iconPath, dark: nativeTheme.shouldUseDarkColors, ...(bounds ? { bounds } : {}) }))
  win.once('ready-to-show', () => {
    if (maximized) win.maximize()
    win.show()
  })

  const contents = win.webContents
  // A link to the outside world opens in the user's browser (https only); the window itself never leaves the app.
  const rules = navigationRules(location, (url) => shell.openExternal(url), log)
  contents.on('will-navigate', rules.willNavigate)
  contents.on('will-frame-navigate', rules.willFrameNavigate)
  contents.on('will-redirect', rules.willRedirect)
  contents.setWindowOpenHandler(rules.windowOpen)
  contents.on('will-attach-webview', rules.willAttachWebview)

  const page = pageToLoad(location)
  const loaded = page.kind === 'url' ? win.loadURL(page.url) : win.loadFile(page.path)
  loaded.catch((error: unknown) => log(`the window could not load its page: ${String(error)}`))
  return win
}
