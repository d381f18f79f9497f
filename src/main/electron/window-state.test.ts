import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadWindowState, restoreBounds, saveWindowState, windowStateFile } from './window-state'

const laptop = { workArea: { x: 0, y: 25, width: 1440, height: 875 } }
const monitor = { workArea: { x: 1440, y: 0, width: 2560, height: 1400 } }

describe('restoreBounds', () => {
  it('opens the default size centred on the primary display the first time', () => {
    expect(restoreBounds(null, [laptop, monitor])).toEqual({ x: 80, y: 53, width: 1280, height: 820 })
  })

  it('keeps saved bounds that are on a display', () => {
    expect(restoreBounds({ x: 1600, y: 100, width: 1400, height: 900 }, [laptop, monitor])).toEqual({ x: 1600, y: 100, width: 1400, height: 900 })
  })

  it('moves off-screen bounds (a monitor that was unplugged) to the centred default on the primary display', () => {
    expect(restoreBounds({ x: 5000, y: 200, width: 1400, height: 900 }, [laptop])).toEqual({ x: 80, y: 53, width: 1280, height: 820 })
    expect(restoreBounds({ x: -3000, y: -2000, width: 1000, height: 700 }, [laptop, monitor])).toEqual({ x: 80, y: 53, width: 1280, height: 820 })
  })

  it('treats a sliver on screen (not enough to grab) as off-screen', () => {
    expect(restoreBounds({ x: 1400, y: 100, width: 1000, height: 700 }, [laptop])).toEqual({ x: 80, y: 53, width: 1280, height: 820 })
  })

  it('shrinks bounds bigger than the display and pulls them fully onto it', () => {
    expect(restoreBounds({ x: -50, y: 0, width: 2400, height: 1600 }, [laptop])).toEqual({ x: 0, y: 25, width: 1440, height: 875 })
    expect(restoreBounds({ x: 900, y: 500, width: 1000, height: 700 }, [laptop])).toEqual({ x: 440, y: 200, width: 1000, height: 700 })
  })

  it('picks the display showing most of the window', () => {
    const placed = restoreBounds({ x: 1200, y: 100, width: 1200, height: 800 }, [laptop, monitor])
    expect(placed).toEqual({ x: 1440, y: 100, width: 1200, height: 800 })
  })

  it('grows a saved size below the minimum back to it, and centres the default on a small primary display', () => {
    expect(restoreBounds({ x: 100, y: 100, width: 300, height: 200 }, [laptop])).toEqual({ x: 100, y: 100, width: 900, height: 600 })
    const small = { workArea: { x: 0, y: 0, width: 1024, height: 740 } }
    expect(restoreBounds(null, [small])).toEqual({ x: 0, y: 0, width: 1024, height: 740 })
  })

  it('ignores nonsense numbers', () => {
    expect(restoreBounds({ x: Number.NaN, y: 0, width: 1000, height: 700 }, [laptop])).toEqual({ x: 80, y: 53, width: 1280, height: 820 })
  })
})

describe('window-state.json', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-window-'))
    dirs.push(dir)
    return dir
  }

  it('round-trips the state', () => {
    const dir = dataDir()
    const state = { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true, trayHintShown: true }
    saveWindowState(dir, state)
    expect(loadWindowState(dir)).toEqual(state)
    expect(JSON.parse(readFileSync(windowStateFile(dir), 'utf8'))).toEqual(state)
  })

  it('reads a missing, corrupt or foreign file as the empty state', () => {
    const dir = dataDir()
    const empty = { bounds: null, maximized: false, trayHintShown: false }
    expect(loadWindowState(dir)).toEqual(empty)
    writeFileSync(windowStateFile(dir), '{"bounds": {"x": "a lot"')
    expect(loadWindowState(dir)).toEqual(empty)
    writeFileSync(windowStateFile(dir), JSON.stringify({ bounds: { x: 1, y: 1, width: -5, height: 10 } }))
    expect(loadWindowState(dir)).toEqual(empty)
    writeFileSync(windowStateFile(dir), JSON.stringify({ maximized: true }))
    expect(loadWindowState(dir)).toEqual({ ...empty, maximized: true })
  })
})
