/**
 * Videos a run saves get a poster thumbnail from the system's ffmpeg, announced with the output; where
 * there is no ffmpeg they are saved all the same, without one.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { locateFfmpeg } from '../../src/main/core/library/video-poster'
import type { Output } from '../../src/shared/output'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'

const ffmpeg = locateFfmpeg()

describe('video posters through a running core', () => {
  const rig = useSimAndCores()

  /** A Motion Loop run (one WebM and one MP4) to its end, and the `output.saved` events of its files. */
  async function motionLoop(t: TestCore): Promise<Output[]> {
    const run = await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.motionLoop, inputs: {} })
    const done = await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputCount === 2, 30_000)
    expect(done.error).toBeNull()
    return t.seen.flatMap((e) => (e.type === 'output.saved' && e.output.runId === run.id ? [e.output] : []))
  }
  const core = (env: Record<string, string> = {}) =>
    rig.start({ env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'k', ...env }, webhooks: 'direct' })

  it.skipIf(ffmpeg.path === null)(`announces each video with its poster${ffmpeg.path === null ? ` (skipped: ${ffmpeg.why})` : ''}`, async () => {
    const t = await core({ COURIER_FFMPEG: ffmpeg.path! })
    const saved = await motionLoop(t)
    expect(saved.map((o) => [o.mime, o.hasThumbnail]).sort()).toEqual([
      ['video/mp4', true],
      ['video/webm', true],
    ])
    for (const output of saved) {
      const response = await t.core.media(output.id, null, { thumbnail: true })
      expect(response.headers.get('content-type')).toBe('image/webp')
      expect(await sharp(Buffer.from(await response.arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 })
    }
  })

  it('saves videos without a thumbnail where there is no ffmpeg', async () => {
    const t = await core({ COURIER_FFMPEG: join(tmpdir(), 'no-ffmpeg-here', 'ffmpeg') })
    const saved = await motionLoop(t)
    expect(saved.map((o) => [o.mime, o.hasThumbnail, o.durationMs]).sort()).toEqual([
      ['video/mp4', false, 2000],
      ['video/webm', false, 2000],
    ])
    for (const output of saved) {
      expect((await t.core.media(output.id, null)).status).toBe(200)
      expect((await t.core.media(output.id, null, { thumbnail: true })).status).toBe(404)
    }
  })
})
