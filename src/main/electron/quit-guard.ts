/** What the quit confirmation says (Electron's `dialog.showMessageBox` options, the subset used). */
export interface QuitPrompt {
  type: 'question'
  title: string
  message: string
  detail: string
  buttons: [string, string]
  defaultId: number
  cancelId: number
  noLink: true
}

/** Null when nothing is running: then quitting needs no question. */
export function quitPrompt(liveCount: number): QuitPrompt | null {
  if (liveCount <= 0) return null
  const are = liveCount === 1 ? '1 run is' : `${liveCount} runs are`
  return {
    type: 'question',
    title: 'Quit Comfy Courier?',
    message: `${are} still running. Quit anyway?`,
    detail: 'They will be picked up when you open Comfy Courier again.',
    buttons: ['Quit', 'Cancel'],
    // Cancel is the default: Enter on a surprise dialog should not drop anything.
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  }
}

export interface QuitFlowDeps {
  liveCount(): number
  /** Shows the prompt; resolves to the index of the button pressed. */
  ask(prompt: QuitPrompt): Promise<number>
  /** core.stop(); only called once. */
  stop(): Promise<void>
  /** app.quit(): emits before-quit again, which now passes. */
  quit(): void
  /** The user chose Cancel: the app goes on (index.ts brings a window back if none is showing). */
  cancelled?(): void
  log(message: string): void
}

export interface QuitFlow {
  /** The `before-quit` handler. */
  beforeQuit(event: { preventDefault(): void }): void
  /** True from the moment the user confirmed (or nothing was running) until the app is gone. */
  readonly quitting: boolean
}

/**
 * Quitting, however it is asked for (menu Quit, Cmd+Q, the tray's Quit): while runs are live the user
 * is asked first; once confirmed, core stops cleanly (database closed, listener down) and only then does
 * the app quit. Unfinished runs are polled again by core at its next start.
 */
export function createQuitFlow(deps: QuitFlowDeps): QuitFlow {
  let state: 'idle' | 'asking' | 'stopping' | 'done' = 'idle'

  const stopThenQuit = (): void => {
    state = 'stopping'
    deps
      .stop()
      .catch((error: unknown) => deps.log(`core.stop failed: ${String(error)}`))
      .finally(() => {
        state = 'done'
        deps.quit()
      })
  }

  return {
    get quitting() {
      return state === 'stopping' || state === 'done'
    },
    beforeQuit(event) {
      if (state === 'done') return // core is stopped: let the app go
      event.preventDefault()
      if (state !== 'idle') return // already asking, or already stopping
      const prompt = quitPrompt(deps.liveCount())
      if (!prompt) return stopThenQuit()
      state = 'asking'
      deps
        .ask(prompt)
        .then((button) => {
          if (button === 0) return stopThenQuit()
          state = 'idle'
          deps.cancelled?.()
        })
        .catch((error: unknown) => {
          // A dialog that could not be shown must not trap the user in an app they asked to quit.
          deps.log(`quit prompt failed: ${String(error)}`)
          stopThenQuit()
        })
    },
  }
}

/**
 * What closing the window does. Windows and Linux: hide it to the tray, so runs and downloads go on (the
 * tray's Quit ends the app), unless the app is quitting or there is no tray. macOS: close it; the app
 * stays in the dock, as Mail does, and the dock icon brings a window back.
 */
export function closeAction(opts: { platform: NodeJS.Platform; quitting: boolean; hasTray: boolean }): 'hide' | 'close' {
  if (opts.quitting || opts.platform === 'darwin' || !opts.hasTray) return 'close'
  return 'hide'
}

export const TRAY_HINT = {
  title: 'Comfy Courier is still running',
  body: 'Runs and downloads go on in the background. Open it again from the tray icon, or quit it there.',
} as const
