import type { Session } from 'electron'
import { isAppUrl, type RendererLocation } from './url-policy'

/**
 * The page asks for nothing the app needs from the OS, so every permission is refused, with two
 * exceptions for our own top-level page only: writing plain text to the clipboard ("copy prompt") and
 * fullscreen (a video in the gallery). Both are harmless and both break silently when denied.
 */
export const ALLOWED_FOR_APP: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'fullscreen'])

export interface PermissionAsk {
  permission: string
  /** The URL of the frame asking; Electron leaves it out in some checks, which is a refusal. */
  requestingUrl: string | undefined
  isMainFrame: boolean
}

/** The one decision behind both of Electron's permission handlers. */
export function permissionAllowed(location: RendererLocation, ask: PermissionAsk): boolean {
  return (
    ALLOWED_FOR_APP.has(ask.permission) &&
    ask.isMainFrame &&
    ask.requestingUrl !== undefined &&
    isAppUrl(location, ask.requestingUrl)
  )
}

/** The part of Electron's `Session` this module sets (typed here so tests hand in a fake). */
export type LockableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>

export function lockDownSession(session: LockableSession, location: RendererLocation): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(location, { permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }))
  })
  session.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    permissionAllowed(location, { permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }),
  )
  // No device pickers either (WebHID, serial, USB): the app never asks, so nothing may.
  session.setDevicePermissionHandler(() => false)
}
