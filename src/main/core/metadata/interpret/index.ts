import type { CourierRecord, Inspection, MetadataSource } from '@shared/provenance'
import { EXIF_TAG, type RawMetadata } from '../raw'
import { parseA1111, type A1111Parameters } from './a1111'
import { analyseApiGraph } from './comfyui-graph'
import { findComfyGraphs } from './comfyui'
import { readCourierRecord, recordFields } from './courier'
import { readInvokeAI } from './invokeai'
import { readSwarmUI } from './swarmui'
import { emptyFields, fillGaps, type GenerationFields } from './values'

export { formatA1111, parseA1111, type A1111Input, type A1111Parameters } from './a1111'
export { analyseApiGraph, type GraphFacts } from './comfyui-graph'
export { parametersForRecord, recordFields } from './courier'

/** A file's generation data, whoever wrote it, and our own record when the file has a valid one. */
export interface Interpreted {
  inspection: Omit<Inspection, 'restore'>
  record: CourierRecord | null
}

/**
 * Reads a file's raw metadata as generation data. One source is chosen, most specific first: our record;
 * SwarmUI's and InvokeAI's JSON (those files may carry a ComfyUI graph or `parameters` text as well, and their
 * own data says more); ComfyUI's graphs; A1111's `parameters`. ComfyUI's graph and workflow are kept
 * whatever the source, so a file of ours made by a ComfyUI workflow still opens in ComfyUI. Never throws.
 */
export function interpret(raw: RawMetadata): Interpreted {
  const graphs = findComfyGraphs(raw)
  const graphFacts = () => (graphs.apiGraph ? analyseApiGraph(graphs.apiGraph.object) : emptyFields())
  const record = readCourierRecord(raw)
  const found = chooseSource(raw, record, graphs.apiGraph !== null || graphs.workflow !== null, graphFacts)
  return {
    inspection: {
      source: found?.source ?? null,
      ...(found?.fields ?? emptyFields()),
      workflow: graphs.workflow?.text ?? null,
      apiGraph: graphs.apiGraph?.text ?? null,
    },
    record,
  }
}

function chooseSource(
  raw: RawMetadata,
  record: CourierRecord | null,
  hasComfyGraphs: boolean,
  graphFacts: () => GenerationFields,
): { source: MetadataSource; fields: GenerationFields } | null {
  // Our record's own facts first; the graph that ran (when the provider saved it into the file) fills the
  // settings a deployment's form did not expose, such as steps or the checkpoint.
  if (record) return { source: 'courier', fields: fillGaps(recordFields(record), graphFacts()) }
  const swarm = readSwarmUI(raw)
  if (swarm) return { source: 'swarmui', fields: swarm }
  const invoke = readInvokeAI(raw)
  if (invoke) return { source: 'invokeai', fields: invoke }
  if (hasComfyGraphs) return { source: 'comfyui', fields: graphFacts() }
  const a1111 = readA1111(raw)
  return a1111 ? { source: 'a1111', fields: a1111Fields(a1111) } : null
}

/**
 * A1111's text: the PNG `parameters` chunk, taken as A1111's whatever it holds (the key is A1111's own); or
 * the EXIF UserComment of a JPEG or WebP, taken only when it has A1111's shape (a parameters line or a
 * negative prompt), since cameras and editors write their own comments there.
 */
function readA1111(raw: RawMetadata): A1111Parameters | null {
  const png = parseA1111(raw.text['parameters'] ?? '')
  if (png) return png
  const comment = parseA1111(raw.exif[EXIF_TAG.userComment] ?? '')
  if (!comment) return null
  const { prompt: _prompt, negativePrompt, extra, ...settings } = comment
  const hasParameters = Object.values(settings).some((value) => value !== null) || Object.keys(extra).length > 0
  return negativePrompt !== null || hasParameters ? comment : null
}

function a1111Fields(p: A1111Parameters): GenerationFields {
  const { extra: _extra, ...fields } = p
  return { ...fields, prompt: p.prompt.trim() === '' ? null : p.prompt, negativePrompt: p.negativePrompt?.trim() ? p.negativePrompt : null }
}
