import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { EXIT, exitCodeFor } from './exit-codes'
import { colourAllowed, createReporter, wantsJson } from './reporter'

describe("the command line's output", () => {
  it('speaks to programs with --json or when stdout is not a terminal', () => {
    expect(wantsJson(undefined, { isTTY: false })).toBe(true)
    expect(wantsJson(true, { isTTY: true })).toBe(true)
    expect(wantsJson(undefined, { isTTY: true })).toBe(false)
  })

  it('honours NO_COLOR, and never colours what is not a terminal', () => {
    expect(colourAllowed({}, { isTTY: true })).toBe(true)
    expect(colourAllowed({ NO_COLOR: '1' }, { isTTY: true })).toBe(false)
    expect(colourAllowed({ NO_COLOR: '' }, { isTTY: true })).toBe(true)
    expect(colourAllowed({}, { isTTY: false })).toBe(false)
    const stderr = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.WriteStream
    expect(createReporter({ json: false, env: { NO_COLOR: 'yes' }, stderr }).paint('red', 'x')).toBe('x')
    expect(createReporter({ json: false, env: {}, stderr }).paint('red', 'x')).toBe('\u001b[31mx\u001b[39m')
  })

  it('writes only JSON lines to stdout for programs, and only words for people', () => {
    const capture = () => {
      const stream = new PassThrough()
      let text = ''
      stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
      return { stream: stream as unknown as NodeJS.WriteStream, text: () => text }
    }
    const [out, err] = [capture(), capture()]
    const json = createReporter({ json: true, env: {}, stdout: out.stream, stderr: err.stream })
    json.event('queued', { run: 'r_1' })
    json.line('for people')
    json.note('a note')
    json.summary({ ok: true })
    expect(out.text()).toBe('{"event":"queued","run":"r_1"}\n{"ok":true}\n')
    expect(err.text()).toBe('a note\n')
  })

  it('maps core error codes to exit codes', () => {
    expect(exitCodeFor('BAD_INPUT')).toBe(EXIT.usage)
    expect(exitCodeFor('NOT_CONFIGURED')).toBe(EXIT.config)
    expect(exitCodeFor('PROVIDER_AUTH')).toBe(EXIT.config)
    expect(exitCodeFor('NOT_SUPPORTED')).toBe(EXIT.config)
    expect(exitCodeFor('BUDGET_EXCEEDED')).toBe(EXIT.budget)
    expect(exitCodeFor('SPEND_CONFIRMATION_REQUIRED')).toBe(EXIT.budget)
    expect(exitCodeFor('RUN_FAILED')).toBe(EXIT.failed)
    expect(exitCodeFor('PROVIDER_UNAVAILABLE')).toBe(EXIT.failed)
  })
})
