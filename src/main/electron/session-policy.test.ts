import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lockDownSession, permissionAllowed, type LockableSession } from './session-policy'
import { resolveRendererLocation } from './url-policy'

const location = resolveRendererLocation({ mainDir: join('/opt', 'courier', 'out', 'main'), devServerUrl: undefined, isPackaged: false }).location
const appPage = pathToFileURL(join('/opt', 'courier', 'out', 'renderer', 'index.html')).href

describe('permissionAllowed', () => {
  it.each(['clipboard-sanitized-write', 'fullscreen'])('allows %s to our own top-level page', (permission) => {
    expect(permissionAllowed(location, { permission, requestingUrl: appPage, isMainFrame: true })).toBe(true)
  })

  it.each([
    'media',
    'notifications',
    'geolocation',
    'clipboard-read',
    'midi',
    'midiSysex',
    'hid',
    'serial',
    'usb',
    'display-capture',
    'openExternal',
    'pointerLock',
    'keyboardLock',
    'fileSystem',
    'window-management',
    'storage-access',
    'idle-detection',
    'unknown',
  ])('refuses %s even to our own page', (permission) => {
    expect(permissionAllowed(location, { permission, requestingUrl: appPage, isMainFrame: true })).toBe(false)
  })

  it('refuses the two allowed permissions to a sub-frame, a foreign page, or an unknown requester', () => {
    expect(permissionAllowed(location, { permission: 'fullscreen', requestingUrl: appPage, isMainFrame: false })).toBe(false)
    expect(permissionAllowed(location, { permission: 'fullscreen', requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false)
    expect(permissionAllowed(location, { permission: 'clipboard-sanitized-write', requestingUrl: undefined, isMainFrame: true })).toBe(false)
    // An inherited property name is not an allowed permission.
    expect(permissionAllowed(location, { permission: 'constructor', requestingUrl: appPage, isMainFrame: true })).toBe(false)
  })
})

describe('lockDownSession', () => {
  /** A session that keeps the handlers it is given, so the test can ask them as Chromium would. */
  function fakeSession() {
    const handlers: {
      request?: Parameters<LockableSession['setPermissionRequestHandler']>[0]
      check?: Parameters<LockableSession['setPermissionCheckHandler']>[0]
      device?: Parameters<LockableSession['setDevicePermissionHandler']>[0]
    } = {}
    const session: LockableSession = {
      setPermissionRequestHandler: (handler) => void (handlers.request = handler),
      setPermissionCheckHandler: (handler) => void (handlers.check = handler),
      setDevicePermissionHandler: (handler) => void (handlers.device = handler),
    }
    return { session, handlers }
  }

  it('answers permission requests, permission checks and device requests with the one policy', () => {
    const { session, handlers } = fakeSession()
    lockDownSession(session, location)
    const answers: boolean[] = []
    const ask = (permission: string, requestingUrl: string, isMainFrame = true) =>
      handlers.request?.({} as never, permission as never, (granted) => answers.push(granted), { requestingUrl, isMainFrame } as never)
    ask('media', appPage)
    ask('notifications', appPage)
    ask('fullscreen', appPage)
    ask('fullscreen', 'https://evil.example/')
    expect(answers).toEqual([false, false, true, false])

    const check = (permission: string, requestingUrl: string, isMainFrame = true) =>
      handlers.check?.(null, permission as never, new URL(requestingUrl).origin, { requestingUrl, isMainFrame } as never)
    expect(check('geolocation', appPage)).toBe(false)
    expect(check('clipboard-sanitized-write', appPage)).toBe(true)
    expect(check('clipboard-sanitized-write', appPage, false)).toBe(false)

    expect(handlers.device?.({ deviceType: 'usb', origin: 'file://' } as never)).toBe(false)
  })
})
