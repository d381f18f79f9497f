import { describe, expect, it } from 'vitest'
import { mainWindowOptions, SECURE_WEB_PREFERENCES } from './window-options'

const options = mainWindowOptions({ preloadPath: '/opt/courier/out/preload/index.cjs', iconPath: '/opt/courier/resources/icon.png', dark: true })
const prefs = options.webPreferences ?? {}

describe('mainWindowOptions: the security checklist, one preference at a time', () => {
  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
    ['experimentalFeatures', false],
    ['safeDialogs', true],
  ] as const)('%s is %s', (name, value) => {
    // Explicit, not left to Electron's default: a missing key would make this undefined.
    expect(prefs[name]).toBe(value)
  })

  it('enables no Blink features and adds no preference beyond the checklist and the preload', () => {
    expect(prefs.enableBlinkFeatures).toBeUndefined()
    expect(Object.keys(prefs).sort()).toEqual([...Object.keys(SECURE_WEB_PREFERENCES), 'preload'].sort())
    expect(prefs.preload).toBe('/opt/courier/out/preload/index.cjs')
  })

  it('cannot be loosened by mutating the shared preferences', () => {
    expect(Object.isFrozen(SECURE_WEB_PREFERENCES)).toBe(true)
    expect(() => {
      ;(SECURE_WEB_PREFERENCES as { sandbox: boolean }).sandbox = false
    }).toThrow(TypeError)
    // Each window gets its own copy, so changing one window's object leaves the next one secure.
    ;(prefs as { sandbox?: boolean }).sandbox = false
    const next = mainWindowOptions({ preloadPath: '/p', iconPath: '/i', dark: true })
    expect(next.webPreferences?.sandbox).toBe(true)
  })

  it("stays hidden until the first paint, over the background of the OS's colour scheme", () => {
    expect(options.show).toBe(false)
    expect(options.backgroundColor).toBe('#0f1115')
    expect(mainWindowOptions({ preloadPath: '/p', iconPath: '/i', dark: false }).backgroundColor).toBe('#f4f5f8')
  })

  it('opens at the restored bounds when given, else at the default size with no position (centred)', () => {
    expect(options).toMatchObject({ width: 1280, height: 820 })
    expect(options.x).toBeUndefined()
    const placed = mainWindowOptions({ preloadPath: '/p', iconPath: '/i', dark: true, bounds: { x: 40, y: 60, width: 1000, height: 700 } })
    expect(placed).toMatchObject({ x: 40, y: 60, width: 1000, height: 700, minWidth: 900, minHeight: 600 })
  })
})
