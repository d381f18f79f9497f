import { describe, expect, it } from 'vitest'
import { ProviderError } from '../types'
import { describeRunComfyError, fieldFromLoc, inspectRunComfyBody, isRunComfyErrorBody } from './errors'
import { SPEC_EXAMPLES } from './fixtures'

const coded = (error_code: number | string, error_message?: string, extra: Record<string, unknown> = {}) => ({
  error_code,
  ...(error_message ? { error_message } : {}),
  ...extra,
})

describe('describeRunComfyError: the §8 table', () => {
  it.each([
    [401, 401001, 'Unauthorized', 'PROVIDER_AUTH', 'RunComfy refused the API token (401001): check it in Settings'],
    [403, 403003, 'Forbidden', 'PROVIDER_AUTH', /belongs to another user \(403003\)/],
    [404, 404001, 'Not Found', 'PROVIDER_NOT_FOUND', 'RunComfy does not know this deployment or request (404001)'],
    [500, 500001, 'Internal Error', 'PROVIDER_UNAVAILABLE', 'RunComfy had an internal error (500001)'],
    [402, 10001, 'InsufficientFunds', 'PROVIDER_REFUSED', /insufficient funds.*\(10001\)$/],
    [400, 10002, 'DisabledDeployment', 'PROVIDER_REFUSED', /deployment is disabled.*re-enable.*\(10002\)$/],
    [410, 10003, 'DeletedDeployment', 'PROVIDER_REFUSED', /deployment has been deleted \(10003\)$/],
  ] as const)('HTTP %i / %i %s → %s', (status, code, name, errorCode, message) => {
    const described = describeRunComfyError(status, coded(code, name))
    expect(described.code).toBe(errorCode)
    if (typeof message === 'string') expect(described.message).toBe(message)
    else expect(described.message).toMatch(message)
  })

  it('422001 names the field from detail[].loc and says what was wrong', () => {
    expect(describeRunComfyError(422, SPEC_EXAMPLES.validation422)).toEqual({
      code: 'PROVIDER_VALIDATION',
      message: 'RunComfy rejected the inputs (422001): 6.txt: unknown input',
      field: '6.txt',
    })
  })

  it('422001 with several problems shows three and counts the rest', () => {
    const detail = ['a', 'b', 'c', 'd'].map((name, i) => ({ loc: ['body', 'overrides', String(i), 'inputs', name], msg: 'bad' }))
    const described = describeRunComfyError(422, coded(422001, 'Validation Error', { detail }))
    expect(described.field).toBe('0.a')
    expect(described.message).toBe('RunComfy rejected the inputs (422001): 0.a: bad; 1.b: bad; 2.c: bad (+1 more)')
  })

  it('422001 without detail keeps an informative error_message', () => {
    expect(describeRunComfyError(422, coded(422001, 'overrides is missing'))).toEqual({
      code: 'PROVIDER_VALIDATION',
      message: 'RunComfy rejected the inputs (422001): overrides is missing',
    })
  })

  it('accepts a numeric string error_code', () => {
    expect(describeRunComfyError(401, coded('401001')).code).toBe('PROVIDER_AUTH')
  })

  it('an undocumented code keeps its text and leaves the class to the HTTP status', () => {
    expect(describeRunComfyError(409, coded(409007, 'Prompt queue full'))).toEqual({ message: 'RunComfy error 409007: Prompt queue full (HTTP 409)' })
  })

  it('reads {message} bodies (a 403 seen by a Go client)', () => {
    expect(describeRunComfyError(403, { message: 'Forbidden' })).toEqual({ message: 'RunComfy answered HTTP 403: Forbidden' })
  })

  it('reads FastAPI {detail} bodies, text or list', () => {
    expect(describeRunComfyError(404, { detail: 'Not Found' })).toEqual({ message: 'RunComfy answered HTTP 404: Not Found' })
    expect(describeRunComfyError(422, { detail: [{ loc: ['body', 'prompt'], msg: 'field required' }] })).toEqual({
      message: 'RunComfy answered HTTP 422: prompt: field required',
      field: 'prompt',
    })
  })

  it('an uncoded 401 still points at Settings', () => {
    expect(describeRunComfyError(401, undefined).message).toBe('RunComfy refused the API token: check it in Settings')
  })

  it('an empty body says the status', () => {
    expect(describeRunComfyError(502, undefined)).toEqual({ message: 'RunComfy answered HTTP 502' })
  })
})

describe('fieldFromLoc', () => {
  it.each([
    [['overrides', '6', 'inputs', 'text'], '6.text'],
    [['body', 'overrides', '38:42', 'inputs', 'seed'], '38:42.seed'],
    [['body', 'prompt'], 'prompt'],
    [['overrides', '6'], undefined],
    [['body', 'overrides', '6', 'inputs'], undefined],
    ['overrides.6', undefined],
  ] as const)('%j → %s', (loc, field) => {
    expect(fieldFromLoc(loc)).toBe(field)
  })
})

describe('inspectRunComfyBody: HTTP 200 carrying error_code', () => {
  const thrown = (body: unknown): ProviderError => {
    try {
      inspectRunComfyBody(body, 200)
    } catch (error) {
      if (error instanceof ProviderError) return error
      throw error
    }
    throw new Error('did not throw')
  }

  it('lets ordinary bodies through', () => {
    expect(() => inspectRunComfyBody({ request_id: 'R' }, 200)).not.toThrow()
    expect(() => inspectRunComfyBody([], 200)).not.toThrow()
    expect(() => inspectRunComfyBody(undefined, 200)).not.toThrow()
    expect(() => inspectRunComfyBody({ error_code: null, request_id: 'R' }, 200)).not.toThrow()
  })

  it('maps documented codes exactly like an error status would', () => {
    expect(thrown(coded(10001, 'InsufficientFunds'))).toMatchObject({ code: 'PROVIDER_REFUSED', details: { status: 200 } })
    expect(thrown(coded(401001))).toMatchObject({ code: 'PROVIDER_AUTH' })
    expect(thrown(SPEC_EXAMPLES.validation422)).toMatchObject({ code: 'PROVIDER_VALIDATION', details: { field: '6.txt' } })
    expect(thrown(coded(500001))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' })
  })

  it('classes undocumented codes by their first three digits, else as unavailable', () => {
    expect(thrown(coded(429002, 'slow down')).code).toBe('PROVIDER_RATE_LIMITED')
    expect(thrown(coded(404009)).code).toBe('PROVIDER_NOT_FOUND')
    expect(thrown(coded(77, 'odd')).code).toBe('PROVIDER_UNAVAILABLE')
    expect(thrown({ error_code: 'E_ODD', error_message: 'odd' }).code).toBe('PROVIDER_UNAVAILABLE')
  })

  it('tells RunComfy-written bodies from bare router 404s', () => {
    expect(isRunComfyErrorBody(coded(404001))).toBe(true)
    expect(isRunComfyErrorBody({ detail: 'Not Found' })).toBe(false)
    expect(isRunComfyErrorBody(undefined)).toBe(false)
  })
})
