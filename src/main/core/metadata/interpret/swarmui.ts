import { EXIF_TAG, type RawMetadata } from '../raw'
import { parseJsonObject } from './json'
import { emptyFields, isObject, own, toName, toNumber, toPixels, toText, type GenerationFields } from './values'

/**
 * SwarmUI writes its parameters as JSON where A1111 writes text: the PNG `parameters` chunk (or, in a JPEG
 * or WebP, the EXIF UserComment) holds `{ "sui_image_params": { "prompt", "negativeprompt", "model",
 * "seed", "steps", "cfgscale", "width", "height", "sampler", "scheduler", "swarm_version", … },
 * "sui_extra_data": { … } }`. Null when the file has none.
 */
export function readSwarmUI(raw: RawMetadata): GenerationFields | null {
  const candidates = [
    raw.text['parameters'],
    raw.exif[EXIF_TAG.userComment],
    raw.exif[EXIF_TAG.imageDescription],
  ]
  for (const text of candidates) {
    const params = own(parseJsonObject(text)?.object ?? {}, 'sui_image_params')
    if (isObject(params)) return swarmFields(params)
  }
  // A tool that stored the inner object under its own key.
  const bare = parseJsonObject(raw.text['sui_image_params'])?.object
  return bare ? swarmFields(bare) : null
}

function swarmFields(params: Record<string, unknown>): GenerationFields {
  const field = (key: string) => own(params, key)
  return {
    ...emptyFields(),
    prompt: toText(field('prompt')),
    negativePrompt: toText(field('negativeprompt')),
    seed: toNumber(field('seed')),
    steps: toNumber(field('steps')),
    cfg: toNumber(field('cfgscale')),
    sampler: toName(field('sampler')),
    width: toPixels(field('width')),
    height: toPixels(field('height')),
    model: toName(field('model')),
  }
}
