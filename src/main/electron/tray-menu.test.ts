import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { badgeSupported, trayIconPath, trayMenuTemplate, trayTooltip } from './tray-menu'

describe('tray', () => {
  it('says how many runs are live in its tooltip', () => {
    expect(trayTooltip(0)).toBe('Comfy Courier — 0 runs live')
    expect(trayTooltip(1)).toBe('Comfy Courier — 1 run live')
    expect(trayTooltip(4)).toBe('Comfy Courier — 4 runs live')
  })

  it('offers Show, the live count as a disabled label, and Quit, which do what they say', () => {
    const done: string[] = []
    const menu = trayMenuTemplate(2, { show: () => done.push('show'), quit: () => done.push('quit') })
    expect(menu.filter((item) => item.type !== 'separator').map((item) => item.label)).toEqual(['Show Comfy Courier', '2 live runs', 'Quit Comfy Courier'])
    const count = menu.find((item) => item.label === '2 live runs')
    expect(count?.enabled).toBe(false)
    expect(count?.click).toBeUndefined()
    menu.find((item) => item.label === 'Show Comfy Courier')?.click?.()
    menu.find((item) => item.label === 'Quit Comfy Courier')?.click?.()
    expect(done).toEqual(['show', 'quit'])
    expect(trayMenuTemplate(0, { show() {}, quit() {} })[2]?.label).toBe('No live runs')
    expect(trayMenuTemplate(1, { show() {}, quit() {} })[2]?.label).toBe('1 live run')
  })

  it('uses the template image on macOS and the coloured mark elsewhere', () => {
    expect(trayIconPath('/r', 'darwin')).toBe(join('/r', 'trayTemplate.png'))
    expect(trayIconPath('/r', 'win32')).toBe(join('/r', 'tray-32.png'))
    expect(trayIconPath('/r', 'linux')).toBe(join('/r', 'tray-32.png'))
  })

  it('sets the badge count only where the OS shows it', () => {
    expect([badgeSupported('darwin'), badgeSupported('linux'), badgeSupported('win32')]).toEqual([true, true, false])
  })
})
