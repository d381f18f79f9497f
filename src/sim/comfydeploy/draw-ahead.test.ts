import { afterEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../index'
import { inlinePainter, type PicturePainter } from '../media/painter'
import { DEPLOYMENT_IDS } from './deployments'
import { itemsOf, pollRun, queue, succeeded, type RunBody } from './test-kit'

/** An in-process painter that says it has a thread of its own (or not), and notes when it is first asked for a picture. */
function watchedPainter(offThread: boolean): { painter: PicturePainter; firstAskedAt: () => number | null } {
  const inline = inlinePainter()
  let at: number | null = null
  const asked = () => {
    at ??= Date.now()
  }
  const painter: PicturePainter = {
    png: (spec) => {
      asked()
      return inline.png(spec)
    },
    pixels: (spec) => {
      asked()
      return inline.pixels(spec)
    },
    offThread,
    close: () => inline.close(),
  }
  return { painter, firstAskedAt: () => at }
}

describe('ComfyDeploy simulator, when a run’s pictures are drawn', () => {
  let sim: Sim | undefined
  afterEach(async () => {
    await sim?.close()
    sim = undefined
  })

  /** A Quick Sketch run to its end, and when its picture was first asked for. */
  async function runWith(offThread: boolean): Promise<{ askedAt: number; run: RunBody }> {
    const { painter, firstAskedAt } = watchedPainter(offThread)
    // timeScale 0.2: the run is dispatched (`queued_at`) 60 ms after it is queued, starts 60 ms later, ends near 0.5 s.
    sim = await startSim({ timeScale: 0.2, painter })
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.quickSketch, inputs: { prompt: 'a lighthouse', seed: 1 } })
    const run = await pollRun(sim, id, succeeded)
    expect(itemsOf(run, 'images').length).toBeGreaterThan(0)
    return { askedAt: firstAskedAt()!, run }
  }

  it('with a painter on its own thread, as the machine takes the run, before it is even dispatched: ready by its end, as a remote GPU’s are', async () => {
    const { askedAt, run } = await runWith(true)
    expect(askedAt).toBeLessThan(Date.parse(String(run.queued_at)))
  })

  it('with a painter in-process, once the run has worked through its timeline, where it holds up nothing but the end', async () => {
    const { askedAt, run } = await runWith(false)
    expect(askedAt).toBeGreaterThan(Date.parse(String(run.started_at)))
  })
})
