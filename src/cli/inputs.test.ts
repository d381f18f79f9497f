import { describe, expect, it } from 'vitest'
import type { Deployment } from '@shared/deployment'
import { buildInputs, parseAssignment } from './inputs'

const deployment: Deployment = {
  id: 'd1',
  name: 'Every Input',
  provider: 'demo',
  description: '',
  customForm: false,
  inputs: [
    { id: 'prompt', label: 'Prompt', kind: 'prompt', description: '', defaultValue: null, required: false },
    { id: 'steps', label: 'Steps', kind: 'integer', description: '', defaultValue: 20, required: false },
    { id: 'upscale', label: 'Upscale', kind: 'boolean', description: '', defaultValue: false, required: false },
    { id: 'reference_images', label: 'Refs', kind: 'images', description: '', defaultValue: null, required: false },
    { id: 'input_image', label: 'Image', kind: 'image', description: '', defaultValue: null, required: false },
  ],
}

describe('inputs on the command line', () => {
  it('reads key=value, key:=json and key=@file', () => {
    expect(parseAssignment('prompt=a=b')).toEqual({ key: 'prompt', kind: 'text', value: 'a=b' })
    expect(parseAssignment('steps:=12')).toEqual({ key: 'steps', kind: 'json', value: 12 })
    expect(parseAssignment('input_image=@in.png')).toEqual({ key: 'input_image', kind: 'file', path: 'in.png' })
    expect(parseAssignment('prompt=@@home')).toEqual({ key: 'prompt', kind: 'text', value: '@home' })
    for (const bad of ['prompt', '=x', 'steps:={', 'input_image=@']) expect(() => parseAssignment(bad), bad).toThrow(expect.objectContaining({ exitCode: 2 }))
  })

  it('converts values to the kind each input takes, uploads files, and names the inputs when one is unknown', async () => {
    const uploads: string[] = []
    const inputs = await buildInputs(
      deployment,
      { prompt: 'from the file', steps: '8', upscale: true },
      ['steps=12', 'upscale=off', 'reference_images:=["https://a/1.png"]', 'input_image=@in.png'].map(parseAssignment),
      async (key, path) => {
        uploads.push(`${key}:${path}`)
        return 'https://uploaded/in.png'
      },
    )
    expect(inputs).toEqual({ prompt: 'from the file', steps: 12, upscale: false, reference_images: '["https://a/1.png"]', input_image: 'https://uploaded/in.png' })
    expect(uploads).toEqual(['input_image:in.png'])
    await expect(buildInputs(deployment, {}, [parseAssignment('promt=x')], async () => '')).rejects.toThrow(/its inputs: prompt, steps, upscale/)
    await expect(buildInputs(deployment, {}, [parseAssignment('steps=many')], async () => '')).rejects.toThrow(/steps takes a number/)
  })
})
