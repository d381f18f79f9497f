import { COURIER_RECORD_KEY, CourierRecord } from '@shared/provenance'
import type { InputValue } from '@shared/run'
import type { RawMetadata } from '../raw'
import { formatA1111 } from './a1111'
import { parseJsonObject } from './json'
import { toName, toNumber, toPixels, toText, type GenerationFields } from './values'

/**
 * Our own record (`comfy-courier` in PNG text, video tags, or our XMP property, all read into `raw.text`).
 * Null when absent, not JSON, or not a record of ours: a damaged record is ignored, never trusted in part.
 */
export function readCourierRecord(raw: RawMetadata): CourierRecord | null {
  const parsed = parseJsonObject(raw.text[COURIER_RECORD_KEY])
  if (!parsed) return null
  const record = CourierRecord.safeParse(parsed.object)
  return record.success ? record.data : null
}

/**
 * The input ids deployments commonly give each fact, best first. A deployment's form names its inputs
 * freely; these are the names ComfyUI's own nodes and ComfyDeploy/RunComfy templates use, matched in any case.
 */
const INPUT_NAMES = {
  seed: ['seed', 'noise_seed'],
  steps: ['steps'],
  cfg: ['cfg', 'cfg_scale', 'guidance'],
  sampler: ['sampler_name', 'sampler'],
  model: ['ckpt_name', 'checkpoint', 'model'],
  width: ['width'],
  height: ['height'],
} as const

function input(record: CourierRecord, names: readonly string[]): InputValue | undefined {
  const byLowerId = new Map(Object.entries(record.inputs).map(([id, value]) => [id.toLowerCase(), value]))
  for (const name of names) {
    const value = byLowerId.get(name)
    if (value !== undefined) return value
  }
  return undefined
}

/** What a record says about its picture: its own prompt, negative and seed, the rest from its inputs. */
export function recordFields(record: CourierRecord): GenerationFields {
  return {
    prompt: toText(record.prompt),
    negativePrompt: toText(record.negativePrompt),
    seed: record.seed ?? toNumber(input(record, INPUT_NAMES.seed)),
    steps: toNumber(input(record, INPUT_NAMES.steps)),
    cfg: toNumber(input(record, INPUT_NAMES.cfg)),
    sampler: toName(input(record, INPUT_NAMES.sampler)),
    width: toPixels(input(record, INPUT_NAMES.width)),
    height: toPixels(input(record, INPUT_NAMES.height)),
    model: toName(input(record, INPUT_NAMES.model)),
  }
}

/**
 * A1111 `parameters` text for a file of ours, so Civitai, SwarmUI, ComfyUI and image browsers that read
 * A1111's format see its prompt, seed and settings: the record's facts, the size from its inputs or else the
 * file's own, and which deployment and provider made it.
 */
export function parametersForRecord(record: CourierRecord, size: { width: number | null; height: number | null }): string {
  const fields = recordFields(record)
  return formatA1111({
    ...fields,
    width: fields.width ?? toPixels(size.width),
    height: fields.height ?? toPixels(size.height),
    extra: { 'Comfy Courier deployment': record.deploymentName, Provider: record.provider },
  })
}
