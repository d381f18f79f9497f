import { describe, expect, it, vi } from 'vitest'
import type { Deployment, InputField } from '@shared/deployment'
import type { CourierState } from '../store/types'
import { guardFileDrops, refusedDropText } from './file-drop-guard'

const field = (id: string, label: string, kind: InputField['kind']): InputField => ({ id, label, kind, description: '', defaultValue: null, required: false })
const deployment = (name: string, inputs: InputField[]): Deployment => ({ id: 'd1', name, provider: 'demo', description: '', inputs, customForm: false })

const state = (view: CourierState['nav']['view'], d: Deployment | null) =>
  ({
    nav: { view },
    generate: { provider: 'demo', deploymentId: d?.id ?? null, deployments: { demo: { status: 'loaded', items: d ? [d] : [], error: null } } },
  }) as unknown as Pick<CourierState, 'nav' | 'generate'>

describe('refusedDropText', () => {
  it('names the inputs that take files on the form shown', () => {
    const d = deployment('Every Input', [field('prompt', 'Prompt', 'prompt'), field('input_image', 'Image', 'image'), field('input_audio', 'Audio', 'audio')])
    expect(refusedDropText(state('generate', d), ['sky.png'])).toBe(
      '“sky.png” was not used: drop it on one of the inputs “Image” or “Audio”, where the form shows “or drop … here”.',
    )
  })

  it('says when the deployment shown has no file input', () => {
    const d = deployment('Dreamscape SDXL', [field('positive_prompt', 'Prompt', 'prompt')])
    expect(refusedDropText(state('generate', d), ['sky.png', 'sea.png'])).toBe(
      '“sky.png” and “sea.png” were not used: Dreamscape SDXL has no image or file input. Choose a deployment that takes one, then drop them on that input.',
    )
  })

  it('outside Generate, says where files go', () => {
    expect(refusedDropText(state('gallery', null), ['a.png', 'b.png', 'c.png'])).toBe(
      '3 files were not used: files go on an input of the Generate form. Open Generate and drop them on an image or file input.',
    )
  })
})

describe('guardFileDrops', () => {
  const fileDrag = (type: 'dragover' | 'drop', files: File[]) => {
    const event = new Event(type, { bubbles: true, cancelable: true }) as DragEvent
    Object.defineProperty(event, 'dataTransfer', { value: { types: ['Files'], files, dropEffect: 'none' } })
    return event
  }

  it('takes a drop no zone took (the app is not replaced by the file) and hands over the files', () => {
    const onRefused = vi.fn()
    const controller = new AbortController()
    guardFileDrops(window, controller.signal, onRefused)
    const over = fileDrag('dragover', [])
    window.dispatchEvent(over)
    expect(over.defaultPrevented).toBe(true)
    const sky = new File(['x'], 'sky.png', { type: 'image/png' })
    const drop = fileDrag('drop', [sky])
    window.dispatchEvent(drop)
    expect(drop.defaultPrevented).toBe(true)
    expect(onRefused).toHaveBeenCalledWith([sky])
    controller.abort()
  })
})
