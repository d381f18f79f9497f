import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE } from './window-options'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** `<dataDir>/window-state.json`: where the window was, and whether the tray hint was shown already. */
export const WindowState = z.object({
  bounds: z
    .object({ x: z.number().int(), y: z.number().int(), width: z.number().int().positive(), height: z.number().int().positive() })
    .nullable()
    .default(null),
  maximized: z.boolean().default(false),
  /** The "Comfy Courier keeps running in the tray" notification has been shown once. */
  trayHintShown: z.boolean().default(false),
})
export type WindowState = z.infer<typeof WindowState>

export const EMPTY_WINDOW_STATE: WindowState = Object.freeze({ bounds: null, maximized: false, trayHintShown: false })

export const windowStateFile = (dataDir: string): string => join(dataDir, 'window-state.json')

/** Reads the saved state; a missing, unreadable or malformed file is the empty state (never an error). */
export function loadWindowState(dataDir: string): WindowState {
  try {
    const parsed = WindowState.safeParse(JSON.parse(readFileSync(windowStateFile(dataDir), 'utf8')))
    return parsed.success ? parsed.data : { ...EMPTY_WINDOW_STATE }
  } catch {
    return { ...EMPTY_WINDOW_STATE }
  }
}

/** Writes the state whole (temporary file, then rename), so a crash mid-write leaves the old file. */
export function saveWindowState(dataDir: string, state: WindowState): void {
  mkdirSync(dataDir, { recursive: true })
  const file = windowStateFile(dataDir)
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`)
  renameSync(temporary, file)
}

/** A display as `screen.getAllDisplays()` gives it: its work area (without taskbar or dock). */
export interface DisplayLike {
  workArea: Rect
}

/** How much of the window must be on a display for its place to be kept: enough to grab and move it. */
const MIN_VISIBLE = { width: 120, height: 60 }

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  }
}

function centred(area: Rect, width: number, height: number): Rect {
  return {
    x: Math.round(area.x + (area.width - width) / 2),
    y: Math.round(area.y + (area.height - height) / 2),
    width,
    height,
  }
}

/** Fits a size into a work area: no bigger than it, and no smaller than the minimum unless the area is. */
function fit(width: number, height: number, area: Rect): { width: number; height: number } {
  return {
    width: Math.min(Math.max(width, MIN_WINDOW_SIZE.width), area.width),
    height: Math.min(Math.max(height, MIN_WINDOW_SIZE.height), area.height),
  }
}

/**
 * Where to open the window: the saved bounds when enough of them is on a display that still exists,
 * shrunk to fit that display and moved fully onto it; otherwise (first start, a monitor unplugged, a
 * resolution change) the default size centred on the primary display. `displays[0]` is the primary one.
 */
export function restoreBounds(saved: Rect | null, displays: readonly DisplayLike[], primary: DisplayLike | undefined = displays[0]): Rect {
  const home = primary?.workArea ?? { x: 0, y: 0, width: DEFAULT_WINDOW_SIZE.width, height: DEFAULT_WINDOW_SIZE.height }
  const fallback = (): Rect => {
    const size = fit(DEFAULT_WINDOW_SIZE.width, DEFAULT_WINDOW_SIZE.height, home)
    return centred(home, size.width, size.height)
  }
  if (!saved || ![saved.x, saved.y, saved.width, saved.height].every(Number.isFinite)) return fallback()

  // The display showing most of the window is the one it belongs to.
  let best: { area: Rect; shown: number } | null = null
  for (const display of displays) {
    const { width, height } = overlap(saved, display.workArea)
    if (width < MIN_VISIBLE.width || height < MIN_VISIBLE.height) continue
    if (!best || width * height > best.shown) best = { area: display.workArea, shown: width * height }
  }
  if (!best) return fallback()

  const { area } = best
  const size = fit(saved.width, saved.height, area)
  return {
    x: Math.round(Math.min(Math.max(saved.x, area.x), area.x + area.width - size.width)),
    y: Math.round(Math.min(Math.max(saved.y, area.y), area.y + area.height - size.height)),
    ...size,
  }
}
