import { describe, expect, it } from 'vitest'
import { InputField } from '@shared/deployment'
import { OBJECT_INFO_JSON, SPEC_EXAMPLES, WORKFLOW_API_JSON } from './fixtures'
import { buildComfyFields, humanize, parseGraph, splitFieldId, toOverrides, type WorkflowGraph } from './input-map'

const objectInfo = JSON.parse(OBJECT_INFO_JSON) as unknown
const graphOf = (raw: unknown): WorkflowGraph => {
  const graph = parseGraph(raw)
  if (!graph) throw new Error('not a graph')
  return graph
}
const byId = (fields: InputField[]) => new Map(fields.map((field) => [field.id, field]))

describe('buildComfyFields with object_info (the fixture graph)', () => {
  const fields = buildComfyFields(graphOf(WORKFLOW_API_JSON), objectInfo)

  it('exposes the literal inputs, prompts first, then image, seed, sampler settings, latent size, the rest', () => {
    expect(fields.map((field) => [field.id, field.label, field.kind])).toEqual([
      ['6.text', 'Prompt', 'prompt'],
      ['7.text', 'Negative prompt', 'prompt'],
      ['10.image', 'Image', 'image'],
      ['3.seed', 'Seed', 'seed'],
      ['3.steps', 'Steps', 'integer'],
      ['3.cfg', 'CFG', 'number'],
      ['3.sampler_name', 'Sampler', 'enum'],
      ['3.scheduler', 'Scheduler', 'enum'],
      ['3.denoise', 'Denoise', 'number'],
      ['5.width', 'Width', 'integer'],
      ['5.height', 'Height', 'integer'],
      ['5.batch_size', 'Batch size', 'integer'],
      ['4.ckpt_name', 'Checkpoint', 'enum'],
      ['9.filename_prefix', 'File name prefix', 'text'],
    ])
  })

  it('every field is valid for the shared schema and optional (omitted inputs keep their saved values)', () => {
    for (const field of fields) {
      expect(InputField.parse(field)).toEqual(field)
      expect(field.required).toBe(false)
    }
  })

  it('takes defaults from the graph and ranges and choices from object_info', () => {
    const f = byId(fields)
    expect(f.get('6.text')).toMatchObject({ defaultValue: 'beautiful scenery nature glass bottle landscape, purple galaxy bottle' })
    expect(f.get('6.text')?.description).toContain('The text to be encoded.')
    expect(f.get('3.seed')).toMatchObject({ defaultValue: 156680208700286, min: 0, max: Number.MAX_SAFE_INTEGER, step: 1 })
    expect(f.get('3.steps')).toMatchObject({ defaultValue: 20, min: 1, max: 10000, step: 1 })
    expect(f.get('3.cfg')).toMatchObject({ defaultValue: 8, min: 0, max: 100, step: 0.1 })
    expect(f.get('3.sampler_name')).toMatchObject({ defaultValue: 'euler', options: expect.arrayContaining(['euler', 'dpmpp_2m']) })
    expect(f.get('3.scheduler')?.options).toContain('karras')
    expect(f.get('3.denoise')).toMatchObject({ defaultValue: 1, min: 0, max: 1, step: 0.01 })
    expect(f.get('5.width')).toMatchObject({ defaultValue: 1024, min: 16, max: 16384, step: 8 })
    expect(f.get('5.batch_size')).toMatchObject({ defaultValue: 1, min: 1, max: 4096, step: 1 })
    expect(f.get('4.ckpt_name')?.options).toEqual(['sd_xl_base_1.0.safetensors', 'v1-5-pruned-emaonly.safetensors'])
  })

  it('an image loader is an image field with no default: empty keeps the saved file', () => {
    const image = byId(fields).get('10.image')
    expect(image).toMatchObject({ kind: 'image', defaultValue: null })
    expect(image?.description).toContain('example.png')
    expect(image?.options).toBeUndefined()
  })

  it('skips links and widget values object_info does not list (LoadImage `upload`)', () => {
    const ids = fields.map((field) => field.id)
    for (const id of ['3.model', '3.positive', '6.clip', '8.samples', '9.images', '10.upload']) expect(ids).not.toContain(id)
  })
})

describe('buildComfyFields without object_info', () => {
  const fields = byId(buildComfyFields(graphOf(WORKFLOW_API_JSON), null))

  it('infers kinds from the saved values and well-known names', () => {
    expect(fields.get('6.text')).toMatchObject({ kind: 'prompt', label: 'Prompt' })
    expect(fields.get('7.text')).toMatchObject({ kind: 'prompt', label: 'Negative prompt' })
    expect(fields.get('3.seed')).toMatchObject({ kind: 'seed', min: 0, step: 1 })
    expect(fields.get('3.steps')).toMatchObject({ kind: 'integer' })
    expect(fields.get('3.cfg')).toMatchObject({ kind: 'number' })
    expect(fields.get('3.sampler_name')).toMatchObject({ kind: 'text', defaultValue: 'euler' })
    expect(fields.get('3.denoise')).toMatchObject({ kind: 'number', min: 0, max: 1 })
    expect(fields.get('5.width')).toMatchObject({ kind: 'integer' })
    expect(fields.get('10.image')).toMatchObject({ kind: 'image', defaultValue: null })
    expect(fields.has('10.upload')).toBe(false)
  })
})

describe('buildComfyFields: harder graphs', () => {
  it('follows conditioning through intermediate nodes and tells repeated labels apart', () => {
    const graph = graphOf({
      '3': { class_type: 'KSampler', inputs: { seed: 1, positive: ['11', 0], negative: ['7', 0] } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a cat' }, _meta: { title: 'Subject' } },
      '12': { class_type: 'CLIPTextEncode', inputs: { text: 'golden hour' }, _meta: { title: 'Style' } },
      '11': { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['6', 0], conditioning_2: ['12', 0] } },
      '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry' } },
      '20': { class_type: 'KSamplerAdvanced', inputs: { noise_seed: 5, add_noise: 'enable', positive: ['6', 0], negative: ['7', 0] } },
      '38:42': { class_type: 'CLIPTextEncode', inputs: { text: 'inside a subgraph' }, _meta: { title: 'Subject' } },
    })
    const fields = buildComfyFields(graph, null)
    expect(fields.map((field) => [field.id, field.label])).toEqual([
      ['6.text', 'Prompt (Subject, node 6)'],
      ['12.text', 'Prompt (Style)'],
      ['7.text', 'Negative prompt'],
      ['38:42.text', 'Prompt (Subject, node 38:42)'],
      ['3.seed', 'Seed (KSampler)'],
      ['20.noise_seed', 'Seed (KSamplerAdvanced)'],
      ['20.add_noise', 'Add noise'],
    ])
    expect(fields.find((field) => field.id === '20.noise_seed')?.kind).toBe('seed')
  })

  it('uses the deployment default overrides as defaults', () => {
    const fields = byId(buildComfyFields(graphOf(WORKFLOW_API_JSON), objectInfo, { '6': { inputs: { text: 'a lighthouse' } }, '3': { inputs: { steps: 30 } } }))
    expect(fields.get('6.text')?.defaultValue).toBe('a lighthouse')
    expect(fields.get('3.steps')?.defaultValue).toBe(30)
    expect(fields.get('3.cfg')?.defaultValue).toBe(8)
  })

  it('reads the newer COMBO form, upload flags, booleans, multiline strings and custom types', () => {
    const info = {
      LoadImage: { input: { required: { image: ['COMBO', { image_upload: true, options: ['a.png'] }] } } },
      LoadAudio: { input: { required: { audio: [['x.wav'], { audio_upload: true }] } } },
      Custom: {
        input: {
          required: {
            mode: ['COMBO', { options: ['fast', 'slow'] }],
            flag: ['BOOLEAN', { default: false }],
            notes: ['STRING', { multiline: true }],
            strength: ['*', {}],
            model: ['MODEL'],
          },
        },
      },
    }
    const graph = graphOf({
      '1': { class_type: 'LoadImage', inputs: { image: 'a.png' } },
      '2': { class_type: 'LoadAudio', inputs: { audio: 'x.wav' } },
      '3': { class_type: 'Custom', inputs: { mode: 'turbo', flag: true, notes: 'hello', strength: 0.5, model: ['9', 0] } },
    })
    expect(buildComfyFields(graph, info).map((f) => [f.id, f.kind, f.options ?? null, f.defaultValue])).toEqual([
      ['1.image', 'image', null, null],
      ['2.audio', 'audio', null, null],
      ['3.mode', 'enum', ['turbo', 'fast', 'slow'], 'turbo'],
      ['3.flag', 'boolean', null, true],
      ['3.notes', 'prompt', null, 'hello'],
      ['3.strength', 'number', null, 0.5],
    ])
  })

  it('names a primitive by its node title', () => {
    const graph = graphOf({
      '38:41': { class_type: 'PrimitiveStringMultiline', inputs: { value: 'a caption' }, _meta: { title: 'Caption' } },
      '50': { class_type: 'PrimitiveInt', inputs: { value: 3 } },
    })
    expect(buildComfyFields(graph, null).map((f) => [f.id, f.label, f.kind])).toEqual([
      ['38:41.value', 'Caption', 'text'],
      ['50.value', 'Value', 'number'],
    ])
  })

  it('parses a graph sent as JSON text and skips what is not a node', () => {
    const graph = graphOf(JSON.stringify({ '1': { class_type: 'CLIPTextEncode', inputs: { text: 'x' } }, meta: { version: 1 }, '2': 'junk' }))
    expect([...graph.keys()]).toEqual(['1'])
    expect(parseGraph('{not json')).toBeNull()
    expect(parseGraph({})).toBeNull()
    expect(parseGraph(null)).toBeNull()
  })
})

describe('field ids and overrides', () => {
  it('splits on the last dot', () => {
    expect(splitFieldId('6.text')).toEqual({ nodeId: '6', input: 'text' })
    expect(splitFieldId('38:42.seed')).toEqual({ nodeId: '38:42', input: 'seed' })
    expect(splitFieldId('a.b.c')).toEqual({ nodeId: 'a.b', input: 'c' })
    expect(splitFieldId('prompt')).toBeNull()
    expect(splitFieldId('.text')).toBeNull()
    expect(splitFieldId('6.')).toBeNull()
  })

  it('groups values by node into the §11 overrides', () => {
    const { overrides, invalid } = toOverrides({
      '6.text': 'a lighthouse at dusk',
      '3.seed': 123456,
      '3.steps': 28,
      '10.image': 'https://example.com/ref.png',
    })
    expect(invalid).toBeNull()
    expect({ overrides }).toEqual(SPEC_EXAMPLES.submitBody)
  })

  it('keeps compound node ids whole and names a key that is not node.input', () => {
    expect(toOverrides({ '38:42.text': 'x', '38:42.seed': 1 }).overrides).toEqual({ '38:42': { inputs: { text: 'x', seed: 1 } } })
    expect(toOverrides({ '6.text': 'x', prompt: 'y' }).invalid).toBe('prompt')
  })

  it('humanizes input names', () => {
    expect(humanize('sampler_name')).toBe('Sampler')
    expect(humanize('guidance_scale')).toBe('Guidance scale')
    expect(humanize('clipSkip')).toBe('Clip skip')
  })
})
