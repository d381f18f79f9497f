import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ErrorNotice } from './ErrorNotice'
import { failureText, rawDetail } from './failure-text'

// Issue 15, item 2: a request that never reached the service is said in a plain sentence with the next
// step, per case; the system's words stay under "Details".
const cases = [
  ['PROVIDER_OFFLINE', 'cannot reach api.runcomfy.net: getaddrinfo EAI_AGAIN api.runcomfy.net', 'This computer seems to be offline'],
  ['PROVIDER_NAME_NOT_FOUND', 'cannot reach api.comfydepoly.com: getaddrinfo ENOTFOUND api.comfydepoly.com', 'The service’s address could not be found. Check its base URL in Settings'],
  ['PROVIDER_CONNECTION_REFUSED', 'cannot reach 127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9', 'Nothing answered at the service’s address: the connection was refused.'],
  ['PROVIDER_TLS', 'cannot reach 127.0.0.1:8443: self-signed certificate', 'The service’s secure connection could not be trusted, so nothing was sent.'],
] as const

describe('failures that never reached the service', () => {
  it.each(cases)('%s reads as a sentence with the next step, without the raw words', (code, message, sentence) => {
    const text = failureText({ code, message })
    expect(text).toContain(sentence)
    expect(text).toMatch(/\.$/)
    expect(text).not.toContain(message)
    expect(text).not.toContain('The service is having trouble')
    expect(rawDetail({ code, message })).toBe(message)
  })

  it('keeps the raw words under "Details" in an error notice', () => {
    render(<ErrorNotice error={{ code: 'PROVIDER_NAME_NOT_FOUND', message: cases[1][1] }} />)
    expect(screen.getByText(/The service’s address could not be found/)).toBeTruthy()
    const details = screen.getByText('Details').closest('details') as HTMLDetailsElement
    expect(details.open).toBe(false)
    expect(details.textContent).toContain('getaddrinfo ENOTFOUND api.comfydepoly.com')
  })

  it('leaves other failures as they were: the advice, then main\'s specifics', () => {
    expect(failureText({ code: 'PROVIDER_UNAVAILABLE', message: 'HTTP 503 from /models' })).toBe('The service is having trouble; try again shortly. HTTP 503 from /models')
    expect(failureText({ code: 'PROVIDER_AUTH', message: 'HTTP 401' })).toBe('The service refused the API key: check it in Settings. HTTP 401')
    expect(rawDetail({ code: 'PROVIDER_AUTH', message: 'HTTP 401' })).toBeNull()
  })
})
