import { describe } from 'vitest'
import { startComfySim } from '../../src/sim/comfyui/comfyui-sim'
import { comfyuiSuite, SIMPLE } from '../support/comfyui-suite'

describe('your own ComfyUI, against the simulator', () => {
  comfyuiSuite(async () => {
    const sim = await startComfySim({ nodeMs: 40 })
    // The slow graph's nodes are told apart by title only: the simulator takes nodeMs per node, so 40 nodes ≈ 1.6 s.
    const slow = { ...SIMPLE }
    let previous = '1'
    for (let i = 10; i < 50; i++) {
      slow[String(i)] = { class_type: 'ImageBlur', inputs: { image: [previous, 0], blur_radius: 1, sigma: 1 } }
      previous = String(i)
    }
    slow['3'] = { class_type: 'SaveImage', inputs: { images: [previous, 0], filename_prefix: 'slow' } }
    delete slow['2']
    return { url: sim.url, slow: () => slow, runTimeoutMs: 15_000, close: () => sim.close() }
  })
})
