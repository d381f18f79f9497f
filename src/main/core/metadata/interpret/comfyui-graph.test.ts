import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyseApiGraph, type GraphFacts } from './comfyui-graph'
import { emptyFields } from './values'

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/interpret/${name}`, import.meta.url), 'utf8')
const graph = (name: string): Record<string, { class_type: string; inputs: Record<string, unknown> }> => JSON.parse(fixture(name))

const nothing: GraphFacts = emptyFields()

/** The same graph with every node renamed (`n{id}`) and the nodes in reverse order: nothing may depend on either. */
function renamedReversed(source: Record<string, { class_type: string; inputs: Record<string, unknown> }>) {
  const rename = (value: unknown): unknown =>
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' ? [`n${value[0]}`, value[1]] : value
  return Object.fromEntries(
    Object.entries(source)
      .reverse()
      .map(([id, node]) => [`n${id}`, { ...node, inputs: Object.fromEntries(Object.entries(node.inputs).map(([k, v]) => [k, rename(v)])) }]),
  )
}

describe('analyseApiGraph on real graph shapes', () => {
  it("reads ComfyUI's default txt2img graph", () => {
    expect(analyseApiGraph(graph('comfyui-basic.json'))).toEqual({
      prompt: 'beautiful scenery nature glass bottle landscape, , purple galaxy bottle,',
      negativePrompt: 'text, watermark',
      seed: 156680208700286,
      steps: 20,
      cfg: 8,
      sampler: 'euler',
      width: 512,
      height: 768,
      model: 'v1-5-pruned-emaonly-fp16.safetensors',
    })
  })

  it('follows the wiring, not the node order or ids', () => {
    const basic = graph('comfyui-basic.json')
    expect(analyseApiGraph(renamedReversed(basic))).toEqual(analyseApiGraph(basic))
    // Swap which encoder is wired to positive and which to negative: the prompts swap with them.
    const swapped = structuredClone(basic)
    swapped['3']!.inputs['positive'] = ['7', 0]
    swapped['3']!.inputs['negative'] = ['6', 0]
    const facts = analyseApiGraph(swapped)
    expect(facts.prompt).toBe('text, watermark')
    expect(facts.negativePrompt).toBe('beautiful scenery nature glass bottle landscape, , purple galaxy bottle,')
  })

  it('reads SDXL encoders through a ControlNet, and the checkpoint through LoRAs and ModelSamplingDiscrete', () => {
    expect(analyseApiGraph(graph('comfyui-sdxl-lora-controlnet.json'))).toEqual({
      prompt: 'pixel art, a lighthouse on a cliff at dusk, waves',
      negativePrompt: 'lowres, bad anatomy, blurry',
      seed: 42,
      steps: 30,
      cfg: 6.5,
      sampler: 'dpmpp_2m_sde',
      width: 1024,
      height: 1024,
      model: 'sd_xl_base_1.0.safetensors',
    })
  })

  it('falls back to text_l when text_g is empty', () => {
    const sdxl = graph('comfyui-sdxl-lora-controlnet.json')
    sdxl['14']!.inputs['text_g'] = ''
    expect(analyseApiGraph(sdxl).prompt).toBe('pixel art, lighthouse')
  })

  it('reads a Flux SamplerCustomAdvanced graph: RandomNoise, BasicGuider with FluxGuidance, KSamplerSelect, BasicScheduler', () => {
    expect(analyseApiGraph(graph('comfyui-flux-sampler-custom-advanced.json'))).toEqual({
      prompt: 'a red fox reading a newspaper in a cafe, film photo',
      negativePrompt: null,
      seed: 219670278747233,
      steps: 20,
      // BasicGuider has no cfg: Flux's distilled guidance is the number that plays its part.
      cfg: 3.5,
      sampler: 'euler',
      width: 1024,
      height: 768,
      model: 'flux1-dev.safetensors',
    })
  })

  it('reads CFGGuider, a zeroed-out negative as none, steps through SplitSigmas, a seed from a primitive', () => {
    expect(analyseApiGraph(graph('comfyui-cfg-guider-zeroed-negative.json'))).toEqual({
      prompt: 'a red fox reading a newspaper in a cafe, film photo',
      negativePrompt: null,
      seed: 777,
      steps: 20,
      cfg: 4.5,
      sampler: 'euler',
      width: 1024,
      height: 768,
      model: 'flux1-dev.safetensors',
    })
  })

  it('reads KSamplerAdvanced (noise_seed) and SamplerCustom (sampler and sigmas from their nodes)', () => {
    const advanced = graph('comfyui-basic.json')
    const { seed, ...rest } = advanced['3']!.inputs
    advanced['3'] = { class_type: 'KSamplerAdvanced', inputs: { ...rest, noise_seed: seed, add_noise: 'enable', start_at_step: 0, end_at_step: 10000 } }
    expect(analyseApiGraph(advanced)).toEqual(analyseApiGraph(graph('comfyui-basic.json')))

    const custom = graph('comfyui-basic.json')
    custom['3'] = {
      class_type: 'SamplerCustom',
      inputs: { model: ['4', 0], add_noise: true, noise_seed: 8, cfg: 4, positive: ['6', 0], negative: ['7', 0], sampler: ['20', 0], sigmas: ['21', 0], latent_image: ['5', 0] },
    }
    custom['20'] = { class_type: 'KSamplerSelect', inputs: { sampler_name: 'dpmpp_sde' } }
    custom['21'] = { class_type: 'KarrasScheduler', inputs: { steps: 14, sigma_max: 14.6, sigma_min: 0.03, rho: 7 } }
    expect(analyseApiGraph(custom)).toMatchObject({ seed: 8, steps: 14, cfg: 4, sampler: 'dpmpp_sde', prompt: 'beautiful scenery nature glass bottle landscape, , purple galaxy bottle,' })
  })

  it('resolves prompts and seeds wired in from value nodes', () => {
    expect(analyseApiGraph(graph('comfyui-primitive-prompt.json'))).toEqual({
      prompt: 'portrait of an astronaut,\nstudio lighting',
      negativePrompt: 'cartoon, 3d render',
      seed: 987654321,
      steps: 28,
      cfg: 5,
      sampler: 'dpmpp_2m',
      width: 640,
      height: 896,
      model: 'dreamshaper_8.safetensors',
    })
  })

  it('reports a hires fix by its base pass, whatever the leftover branches', () => {
    const expected: GraphFacts = {
      prompt: "a lighthouse keeper's cat, golden hour",
      negativePrompt: 'blurry, jpeg artifacts',
      seed: 1111,
      steps: 25,
      cfg: 7,
      sampler: 'euler_ancestral',
      width: 512,
      height: 768,
      model: 'realisticVision_v60.safetensors',
    }
    const hires = graph('comfyui-hires-two-samplers.json')
    expect(analyseApiGraph(hires)).toEqual(expected)
    expect(analyseApiGraph(renamedReversed(hires))).toEqual(expected)

    // Without any output node (a trimmed graph): the sampler whose result is read, never the leftover one.
    const trimmed = structuredClone(hires)
    for (const id of ['9', '13']) delete trimmed[id]
    expect(analyseApiGraph(trimmed)).toEqual(expected)
  })

  it('finds the base pass of a hires fix done in pixel space, and the size of an img2img', () => {
    const hires = graph('comfyui-hires-two-samplers.json')
    hires['10'] = { class_type: 'VAEEncode', inputs: { pixels: ['40', 0], vae: ['4', 2] } }
    hires['40'] = { class_type: 'ImageScaleBy', inputs: { upscale_method: 'lanczos', scale_by: 2, image: ['8', 0] } }
    expect(analyseApiGraph(hires)).toMatchObject({ seed: 1111, steps: 25, width: 512, height: 768 })

    const img2img = graph('comfyui-basic.json')
    img2img['3']!.inputs['latent_image'] = ['20', 0]
    img2img['20'] = { class_type: 'VAEEncode', inputs: { pixels: ['21', 0], vae: ['4', 2] } }
    img2img['21'] = { class_type: 'ImageScale', inputs: { upscale_method: 'nearest-exact', width: 832, height: 1216, crop: 'disabled', image: ['22', 0] } }
    img2img['22'] = { class_type: 'LoadImage', inputs: { image: 'photo.png' } }
    expect(analyseApiGraph(img2img)).toMatchObject({ width: 832, height: 1216, seed: 156680208700286 })
  })

  it('scales a size through LatentUpscaleBy before a single sampler', () => {
    const basic = graph('comfyui-basic.json')
    basic['3']!.inputs['latent_image'] = ['20', 0]
    basic['20'] = { class_type: 'LatentUpscaleBy', inputs: { upscale_method: 'nearest-exact', scale_by: 1.5, samples: ['5', 0] } }
    expect(analyseApiGraph(basic)).toMatchObject({ width: 768, height: 1152 })
  })

  it('reads a video graph saved by VHS_VideoCombine, through a sampler it only knows by its inputs', () => {
    const video = {
      '1': { class_type: 'UNETLoader', inputs: { unet_name: 'wan2.1_t2v_1.3B_fp16.safetensors', weight_dtype: 'default' } },
      '2': { class_type: 'CLIPTextEncode', inputs: { text: 'a paper boat on a stream', clip: ['9', 0] } },
      '3': { class_type: 'CLIPTextEncode', inputs: { text: 'static, still', clip: ['9', 0] } },
      '4': { class_type: 'EmptyHunyuanLatentVideo', inputs: { width: 832, height: 480, length: 33, batch_size: 1 } },
      '5': {
        class_type: 'KSampler (Efficient)',
        inputs: { model: ['1', 0], seed: 31, steps: 30, cfg: 6, sampler_name: 'uni_pc', scheduler: 'simple', positive: ['2', 0], negative: ['3', 0], latent_image: ['4', 0] },
      },
      '6': { class_type: 'VAEDecode', inputs: { samples: ['5', 0], vae: ['8', 0] } },
      '7': { class_type: 'VHS_VideoCombine', inputs: { images: ['6', 0], frame_rate: 16, format: 'video/h264-mp4' } },
    }
    expect(analyseApiGraph(video)).toEqual({
      prompt: 'a paper boat on a stream',
      negativePrompt: 'static, still',
      seed: 31,
      steps: 30,
      cfg: 6,
      sampler: 'uni_pc',
      width: 832,
      height: 480,
      model: 'wan2.1_t2v_1.3B_fp16.safetensors',
    })
  })

  it('reads nothing from a UI-format workflow (it is not an API graph)', () => {
    expect(analyseApiGraph(JSON.parse(fixture('comfyui-workflow-ui.json')))).toEqual(nothing)
  })
})

describe('analyseApiGraph on hostile input', () => {
  it('takes junk without throwing', () => {
    for (const junk of [null, undefined, 42, 'graph', [], [['1', 0]], { '1': null }, { '1': 'KSampler' }, { '1': { class_type: 'KSampler' } }, { '1': { class_type: 7, inputs: [] } }]) {
      expect(analyseApiGraph(junk)).toEqual(nothing)
    }
  })

  it('survives links to missing nodes and to Object.prototype names', () => {
    const basic = graph('comfyui-basic.json')
    basic['3']!.inputs['positive'] = ['missing', 0]
    basic['3']!.inputs['negative'] = ['constructor', 0]
    basic['3']!.inputs['model'] = ['__proto__', 0]
    basic['3']!.inputs['seed'] = ['toString', 0]
    basic['3']!.inputs['steps'] = ['3', 'x']
    expect(analyseApiGraph(basic)).toEqual({ ...nothing, cfg: 8, sampler: 'euler', width: 512, height: 768 })
  })

  it('stops at cycles', () => {
    const cyclic = {
      '1': { class_type: 'KSampler', inputs: { seed: ['2', 0], steps: 4, cfg: 1, positive: ['3', 0], negative: ['1', 0], latent_image: ['1', 0], model: ['4', 0] } },
      '2': { class_type: 'PrimitiveInt', inputs: { value: ['2', 0] } },
      '3': { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['5', 0], conditioning_2: ['3', 0] } },
      '5': { class_type: 'ConditioningSetArea', inputs: { conditioning: ['3', 0] } },
      '4': { class_type: 'LoraLoader', inputs: { model: ['4', 0] } },
      '6': { class_type: 'SaveImage', inputs: { images: ['7', 0] } },
      '7': { class_type: 'VAEDecode', inputs: { samples: ['1', 0], vae: ['7', 0] } },
    }
    expect(analyseApiGraph(cyclic)).toEqual({ ...nothing, steps: 4, cfg: 1 })
  })

  it('stays within its work caps on a 100k-node graph: a long chain, and a wide one', () => {
    const chain: Record<string, unknown> = {}
    chain['out'] = { class_type: 'SaveImage', inputs: { images: ['0', 0] } }
    for (let i = 0; i < 100_000; i++) chain[String(i)] = { class_type: 'ImageInvert', inputs: { image: [String(i + 1), 0] } }
    chain['100000'] = { class_type: 'KSampler', inputs: { seed: 1, steps: 2, cfg: 3, positive: ['0', 0] } }

    const wide: Record<string, unknown> = {}
    for (let i = 0; i < 100_000; i++) wide[String(i)] = { class_type: 'SaveImage', inputs: { images: [String((i * 7919) % 100_000), 0], a: [String(i), 0], b: ['x', 1] } }

    const conditioning: Record<string, unknown> = {
      s: { class_type: 'KSampler', inputs: { seed: 1, steps: 2, cfg: 3, positive: ['c0', 0] } },
    }
    for (let i = 0; i < 100_000; i++) conditioning[`c${i}`] = { class_type: 'ConditioningSetArea', inputs: { conditioning: [`c${i + 1}`, 0] } }
    conditioning['c100000'] = { class_type: 'CLIPTextEncode', inputs: { text: 'far away' } }

    for (const huge of [chain, wide, conditioning]) {
      // Bounded by the work caps (a walk of every path would not finish within the test timeout).
      const facts = analyseApiGraph(huge)
      expect(facts.prompt).toBeNull()
    }
    // The sampler is found by the scan of a graph with no output (first in the object's order); its far-away prompt is past the cap.
    expect(analyseApiGraph(conditioning)).toMatchObject({ seed: 1, steps: 2, cfg: 3 })
  })

  it('never throws, even on an object whose properties throw', () => {
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('no') } })
    const getter = { '1': { class_type: 'KSampler', get inputs() { throw new Error('no') } } }
    expect(analyseApiGraph(trap)).toEqual(nothing)
    expect(analyseApiGraph(getter)).toEqual(nothing)
  })
})
