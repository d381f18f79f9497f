import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron'

/**
 * The window's web preferences that matter for security. Every one is spelled out even where it is
 * Electron's default, so a later default change or a copied snippet cannot loosen it unnoticed; none is
 * relaxed for development or tests (STYLE §6). Kept free of Electron (type imports only) so that
 * `window-options.test.ts` checks each value in plain Node, and the e2e spec checks them in the live app.
 */
export const SECURE_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  experimentalFeatures: false,
  // A page that opens alert() in a loop gets a "prevent more dialogs" box instead of locking the window.
  safeDialogs: true,
} satisfies WebPreferences)

/**
 * Painted before the page draws, so the first frame matches the UI (which follows the OS's light or dark
 * setting: `--bg` in styles.css) instead of flashing the other colour.
 */
export const WINDOW_BACKGROUND = Object.freeze({ dark: '#0f1115', light: '#f4f5f8' })

export const DEFAULT_WINDOW_SIZE = Object.freeze({ width: 1280, height: 820 })
export const MIN_WINDOW_SIZE = Object.freeze({ width: 900, height: 600 })

export interface WindowBounds {
  x?: number
  y?: number
  width: number
  height: number
}

export interface MainWindowOptionsInput {
  preloadPath: string
  iconPath: string
  /** Where the window opens (restored from window-state.json); the default size, centred, otherwise. */
  bounds?: WindowBounds
  /** The OS's colour scheme (Electron's `nativeTheme.shouldUseDarkColors`). */
  dark: boolean
}

/** The `BrowserWindow` options of the one app window: hidden until its first paint, dark, secure. */
export function mainWindowOptions({ preloadPath, iconPath, bounds, dark }: MainWindowOptionsInput): BrowserWindowConstructorOptions {
  const place: WindowBounds = bounds ?? DEFAULT_WINDOW_SIZE
  return {
    title: 'Comfy Courier',
    ...(place.x !== undefined && place.y !== undefined ? { x: place.x, y: place.y } : {}),
    width: place.width,
    height: place.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    backgroundColor: dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light,
    icon: iconPath,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: preloadPath },
  }
}
