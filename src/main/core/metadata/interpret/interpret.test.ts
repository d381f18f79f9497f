import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { emptyRaw, type RawMetadata } from '../raw'
import { interpret } from './index'

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/interpret/${name}`, import.meta.url), 'utf8')
const raw = (parts: Partial<RawMetadata>): RawMetadata => ({ ...emptyRaw(), ...parts })

const basicGraph = fixture('comfyui-basic.json')
const uiWorkflow = fixture('comfyui-workflow-ui.json')
const compact = (text: string) => JSON.stringify(JSON.parse(text))

const basicFacts = {
  prompt: 'beautiful scenery nature glass bottle landscape, , purple galaxy bottle,',
  negativePrompt: 'text, watermark',
  seed: 156680208700286,
  steps: 20,
  cfg: 8,
  sampler: 'euler',
  width: 512,
  height: 768,
  model: 'v1-5-pruned-emaonly-fp16.safetensors',
}

describe('interpret: our own record', () => {
  it('reads the record: its prompt, negative and seed, the rest from its inputs by well-known names', () => {
    const result = interpret(raw({ text: { 'comfy-courier': fixture('courier-record.json') } }))
    expect(result.record?.runId).toBe('r_01JCX8M2V4')
    expect(result.inspection).toEqual({
      source: 'courier',
      prompt: 'a lighthouse on a cliff at dusk',
      negativePrompt: 'blurry',
      seed: 42,
      steps: 30,
      cfg: 6.5,
      sampler: 'dpmpp_2m_sde',
      width: 1024,
      height: 1024,
      model: null,
      workflow: null,
      apiGraph: null,
    })
  })

  it('wins over a ComfyUI graph in the same file, keeps the graph and workflow, and lets the graph fill its gaps', () => {
    const result = interpret(raw({ text: { 'comfy-courier': fixture('courier-record.json'), prompt: basicGraph, workflow: uiWorkflow } }))
    expect(result.inspection).toMatchObject({
      source: 'courier',
      prompt: 'a lighthouse on a cliff at dusk',
      seed: 42,
      steps: 30,
      // Not among the record's inputs: from the graph that ran.
      model: 'v1-5-pruned-emaonly-fp16.safetensors',
      apiGraph: basicGraph.trim(),
      workflow: uiWorkflow.trim(),
    })
  })

  it('ignores a record that is not JSON or not ours, and never throws', () => {
    const record = JSON.parse(fixture('courier-record.json')) as Record<string, unknown>
    for (const bad of ['{not json', '[]', 'null', JSON.stringify({ ...record, format: 'comfy-courier/9' }), JSON.stringify({ ...record, seed: 'x' })]) {
      const result = interpret(raw({ text: { 'comfy-courier': bad, prompt: basicGraph } }))
      expect(result.record, bad).toBeNull()
      expect(result.inspection).toMatchObject({ source: 'comfyui', ...basicFacts })
    }
  })
})

describe('interpret: ComfyUI', () => {
  it('reads PNG text chunks: the graph analysed, both kept as their original text', () => {
    const result = interpret(raw({ text: { prompt: basicGraph, workflow: uiWorkflow } }))
    expect(result).toEqual({ record: null, inspection: { source: 'comfyui', ...basicFacts, apiGraph: basicGraph.trim(), workflow: uiWorkflow.trim() } })
  })

  it("reads an animated WebP's EXIF: prompt in 0x0110, workflow in 0x010f, further extra data below", () => {
    const result = interpret(
      raw({ exif: { '0x0110': `prompt:${compact(basicGraph)}`, '0x010f': `workflow:${compact(uiWorkflow)}`, '0x010e': 'extra:{"note":1}' } }),
    )
    expect(result.inspection).toMatchObject({ source: 'comfyui', ...basicFacts, apiGraph: compact(basicGraph), workflow: compact(uiWorkflow) })
  })

  it('reads video tags, in any case', () => {
    const result = interpret(raw({ text: { PROMPT: basicGraph, WORKFLOW: uiWorkflow, ENCODER: 'Lavf61.7.100' } }))
    expect(result.inspection).toMatchObject({ source: 'comfyui', ...basicFacts, workflow: uiWorkflow.trim() })
  })

  it("reads VideoHelperSuite's comment tag, with the graphs as objects or as JSON text", () => {
    const graph = JSON.parse(basicGraph) as unknown
    const workflow = JSON.parse(uiWorkflow) as unknown
    for (const comment of [{ prompt: graph, workflow }, { prompt: JSON.stringify(graph), workflow }]) {
      const result = interpret(raw({ text: { comment: JSON.stringify(comment), encoder: 'Lavf' } }))
      expect(result.inspection).toMatchObject({ source: 'comfyui', ...basicFacts, apiGraph: compact(basicGraph), workflow: compact(uiWorkflow) })
    }
  })

  it("reads a workflow with Python's NaN in it instead of losing it", () => {
    const withNaN = uiWorkflow.replace('"widgets_values": [\n        512,', '"widgets_values": [\n        NaN,')
    expect(withNaN).not.toBe(uiWorkflow)
    const result = interpret(raw({ text: { workflow: withNaN } }))
    expect(result.inspection.source).toBe('comfyui')
    expect(JSON.parse(result.inspection.workflow!).nodes[1].widgets_values[0]).toBeNull()
  })

  it('is not fooled by a `prompt` entry that is not a ComfyUI graph', () => {
    for (const prompt of ['a cat in a hat', '{"text":"a cat"}', '{"1":{"inputs":{}}}']) {
      expect(interpret(raw({ text: { prompt } })).inspection.source, prompt).toBeNull()
    }
  })
})

describe('interpret: A1111', () => {
  it('reads the PNG parameters chunk', () => {
    const result = interpret(raw({ text: { parameters: fixture('a1111-basic.txt') } }))
    expect(result.inspection).toEqual({
      source: 'a1111',
      prompt: 'masterpiece, best quality, 1girl, silver hair, (looking at viewer:1.2), cherry blossoms',
      negativePrompt: 'lowres, bad anatomy, bad hands, text, error',
      seed: 3456789012,
      steps: 28,
      cfg: 7,
      sampler: 'DPM++ 2M',
      width: 512,
      height: 768,
      model: 'v1-5-pruned-emaonly',
      workflow: null,
      apiGraph: null,
    })
  })

  it("reads a JPEG's EXIF UserComment, but not a camera's own comment", () => {
    expect(interpret(raw({ exif: { '0x9286': fixture('a1111-multiline-negative.txt') } })).inspection).toMatchObject({ source: 'a1111', seed: 99, width: 768 })
    expect(interpret(raw({ exif: { '0x9286': 'OLYMPUS DIGITAL CAMERA' } })).inspection.source).toBeNull()
  })
})

describe('interpret: SwarmUI and InvokeAI', () => {
  it("reads SwarmUI's JSON from the parameters chunk or the EXIF UserComment", () => {
    const expected = {
      source: 'swarmui',
      prompt: 'a cozy reading nook, rain on the window, <lora:warm-light:0.7>',
      negativePrompt: 'people, text',
      seed: 1934512345,
      steps: 35,
      cfg: 6.5,
      sampler: 'dpmpp_2m',
      width: 1152,
      height: 896,
      model: 'OfficialStableDiffusion/sd_xl_base_1.0',
      workflow: null,
      apiGraph: null,
    }
    expect(interpret(raw({ text: { parameters: fixture('swarmui-parameters.json') } })).inspection).toEqual(expected)
    expect(interpret(raw({ exif: { '0x9286': fixture('swarmui-parameters.json') } })).inspection).toEqual(expected)
  })

  it('reads InvokeAI 3 and 5 invokeai_metadata, and InvokeAI 2 sd-metadata', () => {
    expect(interpret(raw({ text: { invokeai_metadata: fixture('invokeai-v3-metadata.json') } })).inspection).toMatchObject({
      source: 'invokeai',
      prompt: 'isometric diorama of a tiny bakery',
      negativePrompt: null,
      seed: 3170112917,
      steps: 30,
      cfg: 7.5,
      sampler: 'euler_a',
      width: 768,
      height: 512,
      model: 'stable-diffusion-v1-5',
    })
    expect(interpret(raw({ text: { invokeai_metadata: fixture('invokeai-v5-metadata.json'), invokeai_graph: '{"id":"g"}' } })).inspection).toMatchObject({
      source: 'invokeai',
      prompt: 'a lantern-lit night market, wet street reflections',
      negativePrompt: 'lowres, watermark',
      sampler: 'dpmpp_2m_k',
      model: 'Juggernaut XL v9',
    })
    expect(interpret(raw({ text: { 'sd-metadata': fixture('invokeai-v2-sd-metadata.json') } })).inspection).toMatchObject({
      source: 'invokeai',
      prompt: 'a watercolor harbor at dawn',
      negativePrompt: 'blurry, oversaturated',
      seed: 2093485712,
      steps: 50,
      sampler: 'k_lms',
      model: 'stable-diffusion-1.5',
    })
  })
})

describe('interpret: precedence and nothing', () => {
  it('takes ours, then SwarmUI, then InvokeAI, then ComfyUI, then A1111', () => {
    const all: Record<string, string> = {
      'comfy-courier': fixture('courier-record.json'),
      parameters: fixture('swarmui-parameters.json'),
      invokeai_metadata: fixture('invokeai-v3-metadata.json'),
      prompt: basicGraph,
    }
    const order = ['comfy-courier', 'parameters', 'invokeai_metadata', 'prompt']
    const expected = ['courier', 'swarmui', 'invokeai', 'comfyui']
    order.forEach((_key, i) => {
      const text = Object.fromEntries(order.slice(i).map((key) => [key, all[key]!]))
      expect(interpret(raw({ text })).inspection.source).toBe(expected[i])
    })
    // A1111 text in the EXIF beside a ComfyUI graph: ComfyUI's graph says more.
    expect(interpret(raw({ text: { prompt: basicGraph }, exif: { '0x9286': fixture('a1111-basic.txt') } })).inspection.source).toBe('comfyui')
  })

  it('says nothing about a file with nothing recognisable', () => {
    const none = { source: null, prompt: null, negativePrompt: null, seed: null, steps: null, cfg: null, sampler: null, width: null, height: null, model: null, workflow: null, apiGraph: null }
    expect(interpret(emptyRaw())).toEqual({ record: null, inspection: none })
    expect(interpret(raw({ text: { Software: 'GIMP 2.10', invokeai_metadata: 'oops', 'sd-metadata': '[1]' }, exif: { '0x010f': 'Canon', '0x0110': 'EOS R5' }, xmp: '<x:xmpmeta/>' }))).toEqual({
      record: null,
      inspection: none,
    })
  })
})
