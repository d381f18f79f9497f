/**
 * Issue 16: every output saved carries how it was made. Pictures hold the record in their own metadata,
 * videos in their container tags (a sidecar where ffmpeg is missing); the library's hash is the file as it
 * is now, the provider's own hash is kept; and the file, read back (saved or dropped), restores the exact
 * deployment and inputs. Everything still decodes.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { locateFfmpeg } from '../../src/main/core/library/video-poster'
import { readImageMetadata } from '../../src/main/core/metadata/containers/image'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'

const ffmpeg = locateFfmpeg()
const run = promisify(execFile)

describe('the generation record written into every saved output', () => {
  const rig = useSimAndCores()
  const core = (env: Record<string, string> = {}) =>
    rig.start({ env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'k', ...env }, webhooks: 'direct' })

  async function saved(t: TestCore, provider: 'demo' | 'comfydeploy', deploymentId: string, inputs: Record<string, string | number>, count: number) {
    const submitted = await t.call('runs.submit', { provider, deploymentId, inputs })
    const done = await t.waitForRun(submitted.id, (r) => r.status === 'succeeded' && r.outputs === 'saved' && r.outputCount === count, 30_000)
    return { run: done, outputs: await t.call('outputs.list', { runId: done.id }) }
  }

  it('a Demo picture holds its record and A1111 parameters, still decodes, and restores its deployment and inputs exactly', async () => {
    const t = await core()
    const inputs = { positive_prompt: 'a lighthouse at dusk, volumetric light', negative_prompt: 'blurry, text', seed: 4242, steps: 12 }
    const { run: done, outputs } = await saved(t, 'demo', DEPLOYMENT_IDS.dreamscape, inputs, 1)
    const picture = outputs.find((o) => o.mime === 'image/png')!
    const bytes = await readFile(join(t.libraryDir, picture.path))

    // The hashes: ours is the file now; the provider's is kept beside it.
    expect(picture.sha256).toBe((await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'))
    expect(picture.originalSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(picture.originalSha256).not.toBe(picture.sha256)
    expect(picture.bytes).toBe(bytes.length)
    // It still decodes, at the size the library recorded.
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: picture.width, height: picture.height })
    // What other tools read: A1111's parameters text.
    const raw = readImageMetadata(bytes)!
    expect(raw.text.parameters).toMatch(/^a lighthouse at dusk, volumetric light\nNegative prompt: blurry, text\nSteps: 12, .*Seed: 4242/)

    const inspected = await t.call('outputs.inspect', { id: picture.id })
    expect(inspected).toMatchObject({ source: 'courier', prompt: inputs.positive_prompt, negativePrompt: 'blurry, text', seed: 4242, steps: 12 })
    expect(inspected.restore).toEqual({ provider: 'demo', deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: done.inputs })
    // The same file dropped on the app says the same.
    const dropped = await t.call('files.inspect', { fileName: 'from-elsewhere.png', dataBase64: bytes.toString('base64') })
    expect(dropped).toEqual(inspected)
  })

  it.skipIf(ffmpeg.path === null)(`videos carry it in their container tags and still play${ffmpeg.path === null ? ` (skipped: ${ffmpeg.why})` : ''}`, async () => {
    const t = await core({ COURIER_FFMPEG: ffmpeg.path! })
    const { run: done, outputs } = await saved(t, 'comfydeploy', DEPLOYMENT_IDS.motionLoop, { frames: 16 }, 2)
    expect(outputs.map((o) => o.mime).sort()).toEqual(['video/mp4', 'video/webm'])
    for (const video of outputs) {
      const file = join(t.libraryDir, video.path)
      expect(existsSync(`${file}.json`)).toBe(false)
      // ffmpeg decodes every frame without an error.
      await run(ffmpeg.path!, ['-v', 'error', '-i', file, '-f', 'null', '-'])
      expect(video.originalSha256).not.toBe(video.sha256)
      const inspected = await t.call('outputs.inspect', { id: video.id })
      expect(inspected).toMatchObject({ source: 'courier', restore: { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.motionLoop, inputs: done.inputs } })
    }
  })

  it('without ffmpeg, a video keeps its record in a sidecar beside it, and is saved as sent', async () => {
    const t = await core({ COURIER_FFMPEG: join(tmpdir(), 'no-ffmpeg-here', 'ffmpeg') })
    const { outputs } = await saved(t, 'comfydeploy', DEPLOYMENT_IDS.motionLoop, {}, 2)
    for (const video of outputs) {
      const file = join(t.libraryDir, video.path)
      const sidecar = JSON.parse(await readFile(`${file}.json`, 'utf8')) as Record<string, string>
      expect(JSON.parse(sidecar['comfy-courier']!)).toMatchObject({ format: 'comfy-courier/1', provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.motionLoop })
      expect(video.originalSha256).toBeNull()
      expect(await t.call('outputs.inspect', { id: video.id })).toMatchObject({ source: 'courier', restore: { deploymentId: DEPLOYMENT_IDS.motionLoop } })
    }
  })

  it('a file with nothing in it, and one that is not a picture at all, answer with no source', async () => {
    const t = await core()
    const plain = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } }).png().toBuffer()
    expect(await t.call('files.inspect', { fileName: 'plain.png', dataBase64: plain.toString('base64') })).toMatchObject({ source: null, restore: null, prompt: null })
    expect(await t.call('files.inspect', { fileName: 'notes.txt', dataBase64: Buffer.from('hello').toString('base64') })).toMatchObject({ source: null })
    const refused = await t.core.call('files.inspect', { fileName: 'x.png', dataBase64: Buffer.alloc(26 * 1024 * 1024).toString('base64') })
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
  })
})
