import type { RawMetadata } from '../raw'
import { parseJsonObject } from './json'
import { emptyFields, isObject, own, toName, toNumber, toPixels, toText, type GenerationFields, type JsonObject } from './values'

/**
 * InvokeAI's PNG text: `invokeai_metadata` (v3 and later: `positive_prompt`, `negative_prompt`, `seed`,
 * `steps`, `cfg_scale`, `scheduler`, `width`, `height`, `model: { name | model_name, … }`), or v2's
 * `sd-metadata` (`model_weights` and an `image` with `prompt` as text or `[{ prompt, weight }]`, the negative
 * in square brackets). Null when the file has neither. (`invokeai_graph` alone, InvokeAI's node graph, is not
 * read: its nodes are InvokeAI's own and `invokeai_metadata` is written beside it whenever it is.)
 */
export function readInvokeAI(raw: RawMetadata): GenerationFields | null {
  const metadata = parseJsonObject(raw.text['invokeai_metadata'])?.object
  if (metadata) return currentFields(metadata)
  const legacy = parseJsonObject(raw.text['sd-metadata'])?.object
  return legacy ? legacyFields(legacy) : null
}

function currentFields(m: JsonObject): GenerationFields {
  const model = own(m, 'model')
  return {
    ...emptyFields(),
    prompt: toText(own(m, 'positive_prompt')),
    negativePrompt: toText(own(m, 'negative_prompt')),
    seed: toNumber(own(m, 'seed')),
    steps: toNumber(own(m, 'steps')),
    cfg: toNumber(own(m, 'cfg_scale')),
    sampler: toName(own(m, 'scheduler')),
    width: toPixels(own(m, 'width')),
    height: toPixels(own(m, 'height')),
    model: isObject(model) ? toName(own(model, 'name')) ?? toName(own(model, 'model_name')) : toName(model),
  }
}

function legacyFields(m: JsonObject): GenerationFields {
  const image = own(m, 'image')
  const i = isObject(image) ? image : {}
  const promptValue = own(i, 'prompt')
  const first = Array.isArray(promptValue) ? (promptValue[0] as unknown) : promptValue
  const text = toText(isObject(first) ? own(first, 'prompt') : first)
  const { prompt, negative } = splitBrackets(text ?? '')
  return {
    ...emptyFields(),
    prompt: toText(prompt),
    negativePrompt: toText(negative),
    seed: toNumber(own(i, 'seed')),
    steps: toNumber(own(i, 'steps')),
    cfg: toNumber(own(i, 'cfg_scale')),
    sampler: toName(own(i, 'sampler')),
    width: toPixels(own(i, 'width')),
    height: toPixels(own(i, 'height')),
    model: toName(own(m, 'model_weights')),
  }
}

/** InvokeAI 2's prompt syntax: `a cat [blurry, lowres]` is the prompt `a cat` and the negative `blurry, lowres`. */
function splitBrackets(text: string): { prompt: string; negative: string } {
  const negatives = [...text.matchAll(/\[([^\]]*)\]/g)].map((match) => match[1]!.trim()).filter(Boolean)
  return { prompt: text.replace(/\[[^\]]*\]/g, ' ').replace(/\s{2,}/g, ' ').trim(), negative: negatives.join(', ') }
}
