import { join } from 'node:path'

const runs = (n: number): string => `${n} run${n === 1 ? '' : 's'}`

/** The tray icon's tooltip. */
export function trayTooltip(liveCount: number): string {
  return `Comfy Courier — ${runs(liveCount)} live`
}

/** One tray menu item, in the shape of Electron's `MenuItemConstructorOptions` (the subset used). */
export interface TrayMenuItem {
  label?: string
  type?: 'normal' | 'separator'
  enabled?: boolean
  click?: () => void
}

/** Show Comfy Courier · N live runs (a label) · Quit. */
export function trayMenuTemplate(liveCount: number, actions: { show(): void; quit(): void }): TrayMenuItem[] {
  return [
    { label: 'Show Comfy Courier', click: actions.show },
    { type: 'separator' },
    { label: `${liveCount === 0 ? 'No' : liveCount} live run${liveCount === 1 ? '' : 's'}`, enabled: false },
    { type: 'separator' },
    { label: 'Quit Comfy Courier', click: actions.quit },
  ]
}

/**
 * The tray image for a platform: macOS takes a black "template" image it tints for light and dark menu
 * bars (Electron picks `trayTemplate@2x.png` on its own); Windows and Linux take the coloured mark at
 * 32 px, which the system scales down to its tray size (16 px at 100 %) more cleanly than it scales up.
 */
export function trayIconPath(resourcesDir: string, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? join(resourcesDir, 'trayTemplate.png') : join(resourcesDir, 'tray-32.png')
}

/** Where the dock/launcher badge is supported: macOS, and Linux launchers that read it (Unity, KDE). */
export function badgeSupported(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'linux'
}
