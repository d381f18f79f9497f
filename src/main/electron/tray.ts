import { Menu, Tray, nativeImage } from 'electron'
import { trayIconPath, trayMenuTemplate, trayTooltip } from './tray-menu'

export interface AppTray {
  setLiveCount(count: number): void
  destroy(): void
}

/**
 * The tray (menu-bar on macOS) icon: its tooltip and menu follow the live-run count. Returns null where
 * the system has no tray to put it in (creating it threw); the window then closes instead of hiding.
 */
export function createAppTray(opts: {
  resourcesDir: string
  show(): void
  quit(): void
  log(message: string): void
}): AppTray | null {
  let tray: Tray
  try {
    const image = nativeImage.createFromPath(trayIconPath(opts.resourcesDir, process.platform))
    if (process.platform === 'darwin') image.setTemplateImage(true)
    tray = new Tray(image)
  } catch (error) {
    opts.log(`no tray icon: ${error instanceof Error ? error.message : String(error)}`)
    return null
  }
  const render = (count: number): void => {
    tray.setToolTip(trayTooltip(count))
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(count, { show: opts.show, quit: opts.quit })))
  }
  // Windows (and some Linux panels) report a plain click: it brings the window back.
  tray.on('click', () => opts.show())
  render(0)
  return {
    setLiveCount: render,
    destroy: () => tray.destroy(),
  }
}
