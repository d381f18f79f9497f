import { describe, expect, it } from 'vitest'
import { closeAction, createQuitFlow, quitPrompt, type QuitPrompt } from './quit-guard'

describe('quitPrompt', () => {
  it('asks nothing when no run is live', () => {
    expect(quitPrompt(0)).toBeNull()
  })

  it('says how many runs are running and that they will be picked up, with Cancel as the default', () => {
    const prompt = quitPrompt(3)
    expect(prompt?.message).toBe('3 runs are still running. Quit anyway?')
    expect(prompt?.detail).toBe('They will be picked up when you open Comfy Courier again.')
    expect(prompt?.buttons).toEqual(['Quit', 'Cancel'])
    expect(prompt?.buttons[prompt.defaultId]).toBe('Cancel')
    expect(prompt?.buttons[prompt.cancelId]).toBe('Cancel')
    expect(quitPrompt(1)?.message).toBe('1 run is still running. Quit anyway?')
  })
})

/** A quit flow over fakes; the dialog's answer is given by the test when it wants. */
function setup(live: number) {
  const calls: string[] = []
  let answer: ((button: number) => void) | null = null
  const prompts: QuitPrompt[] = []
  let stopped: () => void = () => {}
  const flow = createQuitFlow({
    liveCount: () => live,
    ask: (prompt) => {
      prompts.push(prompt)
      calls.push('ask')
      return new Promise((resolve) => (answer = resolve))
    },
    stop: () => {
      calls.push('stop')
      return new Promise<void>((resolve) => (stopped = resolve))
    },
    quit: () => calls.push('quit'),
    cancelled: () => calls.push('cancelled'),
    log: (line) => calls.push(`log ${line}`),
  })
  const beforeQuit = () => {
    let prevented = false
    flow.beforeQuit({ preventDefault: () => (prevented = true) })
    return prevented
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  return { flow, calls, prompts, beforeQuit, answer: (button: number) => answer?.(button), finishStop: () => stopped(), settle }
}

describe('createQuitFlow', () => {
  it('with nothing live, stops core and then quits, without asking', async () => {
    const t = setup(0)
    expect(t.beforeQuit()).toBe(true)
    expect(t.calls).toEqual(['stop'])
    expect(t.flow.quitting).toBe(true)
    t.finishStop()
    await t.settle()
    expect(t.calls).toEqual(['stop', 'quit'])
    // The before-quit that app.quit() raises now passes through.
    expect(t.beforeQuit()).toBe(false)
  })

  it('with live runs, asks first; Cancel keeps the app running and core untouched', async () => {
    const t = setup(2)
    expect(t.beforeQuit()).toBe(true)
    expect(t.prompts[0]?.message).toBe('2 runs are still running. Quit anyway?')
    t.answer(1)
    await t.settle()
    expect(t.calls).toEqual(['ask', 'cancelled'])
    expect(t.flow.quitting).toBe(false)
    // Asking again later asks again.
    t.beforeQuit()
    expect(t.calls).toEqual(['ask', 'cancelled', 'ask'])
  })

  it('with live runs, Quit stops core once and then quits', async () => {
    const t = setup(1)
    t.beforeQuit()
    // Cmd+Q pressed again while the dialog is open changes nothing.
    expect(t.beforeQuit()).toBe(true)
    t.answer(0)
    await t.settle()
    expect(t.calls).toEqual(['ask', 'stop'])
    t.beforeQuit() // a third quit while stopping
    t.finishStop()
    await t.settle()
    expect(t.calls).toEqual(['ask', 'stop', 'quit'])
  })
})

describe('closeAction', () => {
  it('hides to the tray on Windows and Linux, so runs go on', () => {
    expect(closeAction({ platform: 'win32', quitting: false, hasTray: true })).toBe('hide')
    expect(closeAction({ platform: 'linux', quitting: false, hasTray: true })).toBe('hide')
  })

  it('closes when quitting, on macOS (the dock keeps the app), or without a tray', () => {
    expect(closeAction({ platform: 'win32', quitting: true, hasTray: true })).toBe('close')
    expect(closeAction({ platform: 'darwin', quitting: false, hasTray: true })).toBe('close')
    expect(closeAction({ platform: 'linux', quitting: false, hasTray: false })).toBe('close')
  })
})
