import type { ProviderId } from '@shared/run'
import { err, type Result } from '@shared/result'
import { toRunError } from '../runs/run-service'

/** The fact behind NOT_CONFIGURED; what to do about it is the renderer's to say (`errorAdvice`). */
export const noApiKey = (provider: ProviderId): string =>
  provider === 'comfyui' ? 'no ComfyUI server yet: add one in Settings, or set COMFYUI_URL' : `${provider} has no API key yet`

/** The answer of a method that needs a provider's client when it has none (no API key set). */
export const notConfigured = <T>(provider: ProviderId): Result<T> => err('NOT_CONFIGURED', noApiKey(provider))

/** A provider call that threw, as the method's answer: the service's error code and its words. */
export function providerFailure<T>(error: unknown): Result<T> {
  const failure = toRunError(error)
  return err(failure.code, failure.message)
}
