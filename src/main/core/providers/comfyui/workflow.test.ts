import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseWorkflow, uiToApi } from './workflow'

const fixtures = join(__dirname, '../../../../../test/contract/fixtures/comfyui')
/** /object_info recorded from the real ComfyUI 0.8.0 (EmptyImage, ImageBlur, SaveImage, KSampler, CLIPTextEncode, LoadImage…). */
const info = JSON.parse(readFileSync(join(fixtures, 'object_info.json'), 'utf8')) as Record<string, unknown>
const ui = readFileSync(join(fixtures, 'ui-workflow.json'), 'utf8')

const node = (id: number, type: string, widgets: unknown[], inputs: { name: string; link: number | null; widget?: { name: string }; type?: string }[] = [], extra = {}) => ({
  id,
  type,
  mode: 0,
  inputs: inputs.map((i) => ({ type: 'X', ...i })),
  outputs: [{ name: 'OUT', type: 'X', links: [] }],
  widgets_values: widgets,
  ...extra,
})

describe('ComfyUI workflows: formats and the UI → API conversion', () => {
  it('tells API format from UI format, and says why a file is neither', () => {
    expect(parseWorkflow('{"3": {"class_type": "KSampler", "inputs": {"seed": 1}}}')).toMatchObject({ ok: true, format: 'api' })
    expect(parseWorkflow(ui)).toMatchObject({ ok: true, format: 'ui' })
    expect(parseWorkflow('not json')).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) })
    expect(parseWorkflow('[1,2]')).toMatchObject({ ok: false, reason: expect.stringMatching(/JSON object/) })
    expect(parseWorkflow('{"a": {"inputs": {}}}')).toMatchObject({ ok: false, reason: expect.stringMatching(/"a" is not a node with a class_type/) })
    expect(parseWorkflow('{}')).toMatchObject({ ok: false, reason: 'the workflow has no nodes' })
  })

  it('converts the editor’s file: widgets in declared order, Reroute followed, Note and muted nodes dropped, a PrimitiveNode’s value given to its input', () => {
    const parsed = parseWorkflow(ui)
    if (!parsed.ok || parsed.format !== 'ui') throw new Error('not ui')
    const converted = uiToApi(parsed.ui, info)
    expect(converted).toEqual({
      ok: true,
      prompt: {
        '1': { class_type: 'EmptyImage', inputs: { width: 96, height: 80, batch_size: 1, color: 16711680 }, _meta: { title: 'EmptyImage' } },
        '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 2, sigma: 1.5 }, _meta: { title: 'Soften' } },
        '4': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'ui_workflow' }, _meta: { title: 'Save Image' } },
      },
    })
  })

  it('skips the control_after_generate value saved after a seed, and the upload button’s value after an image', () => {
    const graph = {
      nodes: [
        node(3, 'KSampler', [156680208700286, 'randomize', 20, 8, 'euler', 'normal', 1], [
          { name: 'model', link: null },
          { name: 'positive', link: 1 },
          { name: 'negative', link: null },
          { name: 'latent_image', link: null },
        ]),
        node(6, 'CLIPTextEncode', ['a red fox'], [{ name: 'clip', link: null }]),
        node(10, 'LoadImage', ['fox.png', 'image']),
      ],
      links: [[1, 6, 0, 3, 1, 'CONDITIONING']],
    }
    const converted = uiToApi(graph, info)
    if (!converted.ok) throw new Error(converted.reason)
    expect(converted.prompt['3']!.inputs).toEqual({ seed: 156680208700286, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1, positive: ['6', 0] })
    expect(converted.prompt['6']!.inputs).toEqual({ text: 'a red fox' })
    expect(converted.prompt['10']!.inputs).toEqual({ image: 'fox.png' })
  })

  it('passes a bypassed node’s matching input through, and drops inputs that lead to a muted node', () => {
    const graph = {
      nodes: [
        node(1, 'EmptyImage', [64, 64, 1, 0], [], { outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }] }),
        node(2, 'ImageBlur', [3, 1], [{ name: 'image', link: 1, type: 'IMAGE' }], { mode: 4, outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [2] }] }),
        node(3, 'SaveImage', ['x'], [{ name: 'images', link: 2, type: 'IMAGE' }]),
      ],
      links: [
        [1, 1, 0, 2, 0, 'IMAGE'],
        [2, 2, 0, 3, 0, 'IMAGE'],
      ],
    }
    const converted = uiToApi(graph, info)
    if (!converted.ok) throw new Error(converted.reason)
    expect(Object.keys(converted.prompt)).toEqual(['1', '3'])
    expect(converted.prompt['3']!.inputs.images).toEqual(['1', 0])
  })

  it('refuses what it cannot convert, with the reason', () => {
    expect(uiToApi({ nodes: [node(1, 'FancyCustomNode', [])], links: [] }, info)).toEqual({
      ok: false,
      reason: 'node 1 (FancyCustomNode) is not installed on this ComfyUI server: install its custom node, or remove it from the workflow',
    })
    expect(uiToApi({ nodes: [], links: [], definitions: { subgraphs: [{ id: 'x' }] } }, info)).toMatchObject({ ok: false, reason: expect.stringMatching(/subgraphs/) })
    expect(uiToApi({ nodes: [node(5, 'Note', ['hi'])], links: [] }, info)).toMatchObject({ ok: false, reason: expect.stringMatching(/no nodes ComfyUI can run/) })
  })
})
