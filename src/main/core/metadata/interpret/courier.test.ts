import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CourierRecord } from '@shared/provenance'
import { parseA1111 } from './a1111'
import { parametersForRecord, recordFields } from './courier'

const record = CourierRecord.parse(JSON.parse(readFileSync(new URL('../fixtures/interpret/courier-record.json', import.meta.url), 'utf8')))

describe('recordFields', () => {
  it('reads inputs by well-known ids in any case, numbers written as text too', () => {
    expect(recordFields(record)).toEqual({
      prompt: 'a lighthouse on a cliff at dusk',
      negativePrompt: 'blurry',
      seed: 42,
      steps: 30,
      cfg: 6.5,
      sampler: 'dpmpp_2m_sde',
      width: 1024,
      height: 1024,
      model: null,
    })
  })

  it("takes the seed from the inputs when the record has none, and says nothing it cannot know", () => {
    const bare = { ...record, seed: null, prompt: '', negativePrompt: null, inputs: { noise_seed: 9, guidance: 3.5, ckpt_name: 'flux1-dev.safetensors', width: 'wide' } }
    expect(recordFields(bare)).toEqual({
      prompt: null,
      negativePrompt: null,
      seed: 9,
      steps: null,
      cfg: 3.5,
      sampler: null,
      width: null,
      height: null,
      model: 'flux1-dev.safetensors',
    })
  })
})

describe('parametersForRecord', () => {
  it('writes A1111 text that A1111 readers take in, with our deployment and provider', () => {
    const text = parametersForRecord(record, { width: 2048, height: 2048 })
    expect(text).toBe(
      'a lighthouse on a cliff at dusk\nNegative prompt: blurry\n' +
        'Steps: 30, Sampler: dpmpp_2m_sde, CFG scale: 6.5, Seed: 42, Size: 1024x1024, Comfy Courier deployment: "Dreamscape SDXL, v2", Provider: comfydeploy',
    )
    expect(parseA1111(text)).toMatchObject({ prompt: record.prompt, negativePrompt: 'blurry', seed: 42, steps: 30, width: 1024, extra: { 'Comfy Courier deployment': 'Dreamscape SDXL, v2', Provider: 'comfydeploy' } })
  })

  it("takes the file's size when the inputs have none, and leaves out what is unknown", () => {
    const bare = { ...record, seed: 7, negativePrompt: null, inputs: { prompt: 'x', ckpt_name: 'sd15.safetensors' } }
    expect(parametersForRecord(bare, { width: 768, height: 512 })).toBe(
      'a lighthouse on a cliff at dusk\nSeed: 7, Size: 768x512, Model: sd15.safetensors, Comfy Courier deployment: "Dreamscape SDXL, v2", Provider: comfydeploy',
    )
    expect(parametersForRecord({ ...bare, prompt: null, seed: null }, { width: null, height: null })).toBe(
      'Model: sd15.safetensors, Comfy Courier deployment: "Dreamscape SDXL, v2", Provider: comfydeploy',
    )
  })
})
