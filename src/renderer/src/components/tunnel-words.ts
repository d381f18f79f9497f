import type { TunnelStatus } from '@shared/delivery'

/** "in 47 seconds", "in 1 minute 5 seconds", "now": how long until `at`, as a person would say it. */
export function countdownText(at: number, now: number): string {
  const total = Math.ceil((at - now) / 1000)
  if (total <= 0) return 'now'
  const minutes = Math.floor(total / 60)
  const seconds = total % 60
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`
  if (minutes === 0) return `in ${part(seconds, 'second')}`
  return seconds === 0 ? `in ${part(minutes, 'minute')}` : `in ${part(minutes, 'minute')} ${part(seconds, 'second')}`
}

/** Whether "Retry now" can do anything: a tunnel the app opens itself, down. */
export function canRetryTunnel(t: TunnelStatus | null): boolean {
  return t !== null && t.state === 'down' && (t.mode === 'localtunnel' || t.mode === 'ngrok')
}

/**
 * The status bar's line, with the countdown to the next try while the tunnel is down. `now` comes from the
 * shared one-second clock, so the seconds tick without anything from main.
 */
export function tunnelText(t: TunnelStatus | null, now: number = Date.now()): string {
  if (t === null) return 'Checking the public URL…'
  switch (t.state) {
    case 'up':
      return t.publicUrl ? `Services reach this app at ${t.publicUrl}` : 'The public URL is up.'
    case 'off':
      // Core leaves a configured tunnel closed until a real service needs it: the Demo calls us on loopback.
      return t.mode === 'off' ? 'The public URL is off, so runs are checked by polling.' : 'The public URL opens once you connect a service.'
    case 'connecting':
      return 'Opening the public URL…'
    case 'down':
      if (typeof t.retryAt === 'number') return `The public URL is down. Trying again ${countdownText(t.retryAt, now)}.`
      return 'The public URL is down until its settings are fixed.'
  }
}

/** What a screen reader hears when the state changes: the same news without the ticking seconds. */
export function tunnelAnnouncement(t: TunnelStatus | null): string {
  if (t === null) return ''
  switch (t.state) {
    case 'up':
      return 'The public URL is up.'
    case 'off':
      return tunnelText(t)
    case 'connecting':
      return 'Opening the public URL.'
    case 'down':
      return 'The public URL is down. Runs are checked by polling until it is back.'
  }
}

const first = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)
const sentence = (text: string): string => {
  const trimmed = first(text.trim())
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/**
 * What went wrong, in plain words, from main's reason (`TunnelStatus.error`). Main's own words stay beside it
 * as the detail a helper would ask for; this is the sentence a creator reads first.
 */
export function tunnelProblem(t: TunnelStatus): string {
  const error = t.error ?? ''
  const where = t.mode === 'ngrok' ? 'ngrok' : 'the tunnel server'
  if (/stopped reaching this app/.test(error))
    return 'The public URL stopped reaching this app, so the services could not send their updates through it.'
  if (/ENOTFOUND|EAI_AGAIN/.test(error)) return `The address of ${where} could not be found. Check your internet connection.`
  if (/refused|ECONNREFUSED/i.test(error)) return `${first(where)} refused the connection. It may be down, or a firewall may be blocking it.`
  if (/did not (answer|open)|ETIMEDOUT|timed out|no answer within/i.test(error)) return `${first(where)} did not answer in time.`
  if (/connection (was )?lost|ECONNRESET|socket hang up/i.test(error)) return `The connection to ${where} was lost.`
  if (/unreachable/i.test(error)) return `${first(where)} could not be reached. Check your internet connection.`
  if (error === '') return `The public URL is down, and ${where} gave no reason.`
  return sentence(error)
}
