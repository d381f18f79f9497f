import { externalHttpsUrl, isAppUrl, type RendererLocation } from './url-policy'

/** What Electron hands the navigation events; `preventDefault` cancels the navigation. */
export interface NavigationEvent {
  url: string
  preventDefault(): void
  /** `will-frame-navigate` only. */
  isMainFrame?: boolean
}

export interface NavigationRules {
  /** `will-navigate` (main frame): our own pages pass; a link elsewhere goes to the OS browser if https. */
  willNavigate(event: NavigationEvent): void
  /** `will-frame-navigate`: sub-frames (the page has none) may only show our own pages. */
  willFrameNavigate(event: NavigationEvent): void
  /** `will-redirect`: a redirect never leaves the app, and never opens anything. */
  willRedirect(event: NavigationEvent): void
  /** `setWindowOpenHandler`: no window is ever created; an https link opens in the OS browser. */
  windowOpen(details: { url: string }): { action: 'deny' }
  /** `will-attach-webview`: refused (webviewTag is off too). */
  willAttachWebview(event: { preventDefault(): void }): void
}

/**
 * Hands a link to the OS only when it parses as `https:` without credentials (ARCHITECTURE §7), so
 * `file:`, `smb:`, `javascript:`, custom schemes and plain http never reach `shell.openExternal`.
 * Returns whether it was handed over.
 */
export function openExternalSafely(url: string, openExternal: (url: string) => Promise<void>, log: (message: string) => void): boolean {
  const external = externalHttpsUrl(url)
  if (!external) {
    log(`blocked navigation to ${JSON.stringify(url)}`)
    return false
  }
  openExternal(external).catch((error: unknown) => log(`could not open ${external}: ${String(error)}`))
  return true
}

/**
 * The window never leaves the app: these are the handlers `createMainWindow` attaches to its
 * webContents. Kept free of Electron so that every rule is tested in plain Node with fake events.
 */
export function navigationRules(
  location: RendererLocation,
  openExternal: (url: string) => Promise<void>,
  log: (message: string) => void,
): NavigationRules {
  return {
    willNavigate(event) {
      if (isAppUrl(location, event.url)) return
      event.preventDefault()
      openExternalSafely(event.url, openExternal, log)
    },
    willFrameNavigate(event) {
      // The main frame is will-navigate's job (both fire for it); only sub-frames are checked here.
      if (event.isMainFrame !== false || isAppUrl(location, event.url)) return
      event.preventDefault()
      log(`blocked a frame navigating to ${JSON.stringify(event.url)}`)
    },
    willRedirect(event) {
      if (isAppUrl(location, event.url)) return
      event.preventDefault()
      log(`blocked redirect to ${JSON.stringify(event.url)}`)
    },
    windowOpen({ url }) {
      openExternalSafely(url, openExternal, log)
      return { action: 'deny' }
    },
    willAttachWebview(event) {
      event.preventDefault()
    },
  }
}
