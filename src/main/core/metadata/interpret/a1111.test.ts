import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatA1111, parseA1111, type A1111Parameters } from './a1111'

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/interpret/${name}`, import.meta.url), 'utf8')

// Expected values checked against a port of A1111's own `parse_generation_parameters` (modules/infotext_utils.py).
describe('parseA1111', () => {
  it('reads prompt, negative and the parameters line; the other keys go to extra', () => {
    expect(parseA1111(fixture('a1111-basic.txt'))).toEqual({
      prompt: 'masterpiece, best quality, 1girl, silver hair, (looking at viewer:1.2), cherry blossoms',
      negativePrompt: 'lowres, bad anatomy, bad hands, text, error',
      steps: 28,
      sampler: 'DPM++ 2M',
      cfg: 7,
      seed: 3456789012,
      width: 512,
      height: 768,
      model: 'v1-5-pruned-emaonly',
      extra: {
        'Schedule type': 'Karras',
        'Model hash': '6ce0161689',
        'VAE hash': '735e4c3a44',
        VAE: 'vae-ft-mse-840000-ema-pruned.safetensors',
        'Clip skip': '2',
        Version: 'v1.10.1',
      },
    })
  })

  it('reads a file without a negative prompt as having none', () => {
    const parsed = parseA1111(fixture('a1111-no-negative.txt'))
    expect(parsed).toMatchObject({ prompt: 'a photo of a red bicycle leaning on a brick wall', negativePrompt: null, sampler: 'Euler a', width: 512, height: 512 })
  })

  it('reads multi-line prompts and negatives', () => {
    expect(parseA1111(fixture('a1111-multiline-negative.txt'))).toMatchObject({
      prompt: 'epic fantasy castle on a floating island,\nvolumetric clouds, sunrise',
      negativePrompt: '(worst quality, low quality:1.4),\nblurry, watermark,\nsignature',
      steps: 30,
      cfg: 5.5,
      seed: 99,
      width: 768,
      height: 512,
    })
  })

  it('reads quoted values with commas, colons and escaped quotes, and hires-fix keys', () => {
    const parsed = parseA1111(fixture('a1111-hires-quoted.txt'))!
    expect(parsed.prompt).toBe('close-up portrait of an old fisherman, <lora:add_detail:0.6> <lora:film_grain:0.4>')
    expect(parsed.model).toBe('realisticVisionV60B1_v51VAE')
    expect(parsed.extra).toEqual({
      'Schedule type': 'Karras',
      'Model hash': '15012c538f',
      'Denoising strength': '0.45',
      'Hires upscale': '2',
      'Hires steps': '15',
      'Hires upscaler': '4x-UltraSharp',
      'Lora hashes': 'add_detail: 7c6bad76eb54, film_grain: 2a9f2f1cb2a1',
      'TI hashes': 'easynegative: c74b4e810b03',
      'ADetailer model': 'face_yolov8n.pt',
      'ADetailer prompt': 'detailed face, "wrinkles", weathered skin',
      Version: 'v1.10.1',
    })
  })

  it('takes a last line with fewer than three pairs as prompt, as A1111 does, unless it starts as A1111 starts it', () => {
    expect(parseA1111('a cat\nstyle: watercolor, mood: calm')).toMatchObject({ prompt: 'a cat\nstyle: watercolor, mood: calm', steps: null, extra: {} })
    expect(parseA1111('a cat\nSteps: 12, Seed: 3')).toMatchObject({ prompt: 'a cat', steps: 12, seed: 3 })
  })

  it('keeps a value that does not fit its field in extra, and reads CRLF text', () => {
    const parsed = parseA1111('a cat\r\nNegative prompt: dog\r\nSteps: many, Sampler: Euler, CFG scale: 7, Size: big')!
    expect(parsed).toMatchObject({ prompt: 'a cat', negativePrompt: 'dog', steps: null, cfg: 7, width: null, extra: { Steps: 'many', Size: 'big' } })
  })

  it('reads a file with only a negative prompt and parameters', () => {
    expect(parseA1111('Negative prompt: ugly\nSteps: 4, Sampler: Euler, Seed: 1')).toMatchObject({ prompt: '', negativePrompt: 'ugly', steps: 4 })
  })

  it('reads a megabyte of hostile text', () => {
    for (const text of ['word '.repeat(200_000), 'a, b: c, '.repeat(100_000), `x\nSteps: "${'\\"'.repeat(300_000)}`]) {
      // Keys are capped, so parsing is linear: a quadratic parse of a megabyte would not finish within the test timeout.
      expect(parseA1111(text)).not.toBeNull()
    }
  })

  it('returns null for empty text only', () => {
    expect(parseA1111('')).toBeNull()
    expect(parseA1111(' \n ')).toBeNull()
    expect(parseA1111('just a prompt')).toMatchObject({ prompt: 'just a prompt', negativePrompt: null, steps: null })
  })
})

describe('formatA1111', () => {
  it('writes every fixture back exactly as A1111 wrote it', () => {
    for (const name of ['a1111-basic.txt', 'a1111-no-negative.txt', 'a1111-multiline-negative.txt', 'a1111-hires-quoted.txt']) {
      const text = fixture(name).trim()
      expect(formatA1111(parseA1111(text)!), name).toBe(text)
    }
  })

  const tricky: A1111Parameters = {
    prompt: 'a "quoted" cat, (detailed:1.3)\nsecond line: with colon',
    negativePrompt: 'bad, ugly\nworse: yes',
    steps: 30,
    sampler: 'DPM++ 2M, Karras',
    cfg: 6.5,
    seed: 4294967295,
    width: 1216,
    height: 832,
    model: 'models/sdxl: base, v1.0',
    extra: {
      'Lora hashes': 'a: 1, b: 2',
      'Schedule type': 'Karras',
      Note: 'ends with a space ',
      Quote: '"starts with a quote',
      Multi: 'line one\nline two',
      Empty: '',
      Accents: 'café — ünïcode',
      'Hires resize': '1024x1536',
      'Denoising strength': '0.7',
    },
  }

  it('round-trips tricky values: commas, colons, quotes, line breaks, spaces at the ends, empties', () => {
    expect(parseA1111(formatA1111(tricky))).toEqual(tricky)
  })

  it('quotes as A1111 does, and orders as A1111 does', () => {
    expect(formatA1111({ ...tricky, prompt: 'p', negativePrompt: null, extra: { Version: 'v1', 'Model hash': 'abc', 'Lora hashes': 'a: 1, b: 2', 'Schedule type': 'Karras' } })).toBe(
      'p\nSteps: 30, Sampler: "DPM++ 2M, Karras", Schedule type: Karras, CFG scale: 6.5, Seed: 4294967295, Size: 1216x832, Model hash: abc, Model: "models/sdxl: base, v1.0", Version: v1, Lora hashes: "a: 1, b: 2"',
    )
  })

  it('leaves out what is unknown, an empty negative, a half size and keys A1111 could not read back', () => {
    const text = formatA1111({
      prompt: null,
      negativePrompt: '',
      steps: 20,
      sampler: null,
      cfg: Number.NaN,
      seed: 7,
      width: 512,
      height: null,
      model: null,
      extra: { 'bad: key': 'x', ' spaced': 'y', Steps: '99', Fine: 'z' },
    })
    expect(text).toBe('Steps: 20, Seed: 7, Fine: z')
    expect(parseA1111(text)).toEqual({ prompt: '', negativePrompt: null, steps: 20, sampler: null, cfg: null, seed: 7, width: null, height: null, model: null, extra: { Fine: 'z' } })
  })
})
