/**
 * Issue 16, part 5: Export. Saved outputs copied to a folder of the user's, keeping how they were made (byte for
 * byte, a sidecar with them) or removing it (creators who sell their pictures strip their workflows). Names never
 * overwrite a file; the folder must be a full path outside the library; what cannot be exported is said.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { locateFfmpeg } from '../../src/main/core/library/video-poster'
import { readImageMetadata } from '../../src/main/core/metadata/containers/image'
import { locateVideoTools, readVideoMetadata } from '../../src/main/core/metadata/containers/video'
import type { OutputId } from '../../src/shared/output'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import type { TestCore } from '../support/core-fixture'
import { useSimAndCores } from '../support/sim-and-cores'

const ffmpeg = locateFfmpeg()
const run = promisify(execFile)

describe('exporting outputs to a folder', () => {
  const rig = useSimAndCores()
  const core = (env: Record<string, string> = {}) =>
    rig.start({ env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'k', ...env }, webhooks: 'direct' })

  async function saved(t: TestCore, provider: 'demo' | 'comfydeploy', deploymentId: string, inputs: Record<string, string | number>, count: number) {
    const submitted = await t.call('runs.submit', { provider, deploymentId, inputs })
    const done = await t.waitForRun(submitted.id, (r) => r.status === 'succeeded' && r.outputs === 'saved' && r.outputCount === count, 30_000)
    return t.call('outputs.list', { runId: done.id })
  }
  const picture = async (t: TestCore, seed: number) => {
    const outputs = await saved(t, 'demo', DEPLOYMENT_IDS.dreamscape, { positive_prompt: 'a lighthouse at dusk', seed }, 1)
    return outputs.find((o) => o.mime === 'image/png')!
  }

  it('keep: byte-identical copies named as downloads are; strip: no text, EXIF or XMP, and the same pixels', async () => {
    const t = await core()
    const a = await picture(t, 42)
    const b = await picture(t, 43)
    const folder = join(t.dataDir, 'exports', 'kept')
    const kept = await t.call('outputs.export', { ids: [a.id, b.id], folder, metadata: 'keep' })
    expect(kept.folder).toBe(folder)
    expect(kept.skipped).toEqual([])
    expect(kept.exported).toEqual([
      { id: a.id, fileName: 'dreamscape-sdxl-seed-42-1.png' },
      { id: b.id, fileName: 'dreamscape-sdxl-seed-43-1.png' },
    ])
    const original = await readFile(join(t.libraryDir, a.path))
    expect((await readFile(join(folder, 'dreamscape-sdxl-seed-42-1.png'))).equals(original)).toBe(true)
    expect(readImageMetadata(original)!.text['comfy-courier']).toBeTruthy()

    const plainFolder = join(t.dataDir, 'exports', 'plain')
    const stripped = await t.call('outputs.export', { ids: [a.id], folder: plainFolder, metadata: 'strip' })
    expect(stripped.exported).toEqual([{ id: a.id, fileName: 'dreamscape-sdxl-seed-42-1.png' }])
    const bytes = await readFile(join(plainFolder, 'dreamscape-sdxl-seed-42-1.png'))
    const raw = readImageMetadata(bytes)!
    expect(raw.text).toEqual({})
    expect(raw.exif).toEqual({})
    expect(raw.xmp).toBeNull()
    const [was, now] = await Promise.all([sharp(original).raw().toBuffer({ resolveWithObject: true }), sharp(bytes).raw().toBuffer({ resolveWithObject: true })])
    expect(now.info).toMatchObject({ width: was.info.width, height: was.info.height, channels: was.info.channels })
    expect(now.data.equals(was.data)).toBe(true)
    // Nothing but the exported files: no `.part` left.
    expect(await readdir(plainFolder)).toEqual(['dreamscape-sdxl-seed-42-1.png'])
  })

  it('never overwrites a file: a name taken gets -2, -3…, and the file already there is untouched', async () => {
    const t = await core()
    const a = await picture(t, 7)
    const folder = join(t.dataDir, 'exports', 'busy')
    await mkdir(folder, { recursive: true })
    await writeFile(join(folder, 'dreamscape-sdxl-seed-7-1.png'), 'mine')
    const first = await t.call('outputs.export', { ids: [a.id], folder, metadata: 'strip' })
    expect(first.exported).toEqual([{ id: a.id, fileName: 'dreamscape-sdxl-seed-7-1-2.png' }])
    const second = await t.call('outputs.export', { ids: [a.id], folder, metadata: 'keep' })
    expect(second.exported).toEqual([{ id: a.id, fileName: 'dreamscape-sdxl-seed-7-1-3.png' }])
    expect(await readFile(join(folder, 'dreamscape-sdxl-seed-7-1.png'), 'utf8')).toBe('mine')
    expect((await readdir(folder)).sort()).toEqual(['dreamscape-sdxl-seed-7-1-2.png', 'dreamscape-sdxl-seed-7-1-3.png', 'dreamscape-sdxl-seed-7-1.png'])
  })

  it('refuses a relative folder and one inside the library; an unknown id and a file gone from disk are skipped, the rest go on', async () => {
    const t = await core()
    const a = await picture(t, 1)
    const b = await picture(t, 2)
    const refused = async (folder: string) => {
      const result = await t.core.call('outputs.export', { ids: [a.id], folder, metadata: 'keep' })
      expect(result.ok).toBe(false)
      return result.ok ? null : result.error
    }
    expect(await refused('exports/here')).toMatchObject({ code: 'BAD_INPUT', field: 'folder' })
    expect(await refused(t.libraryDir)).toMatchObject({ code: 'BAD_INPUT', field: 'folder', message: expect.stringContaining('inside the library folder') })
    const inside = join(t.libraryDir, 'exports', 'new')
    expect(await refused(inside)).toMatchObject({ code: 'BAD_INPUT', field: 'folder' })
    expect(existsSync(join(t.libraryDir, 'exports'))).toBe(false)
    // Through a link into the library: real paths are compared.
    const { symlink } = await import('node:fs/promises')
    await symlink(t.libraryDir, join(t.dataDir, 'lib-link'))
    expect(await refused(join(t.dataDir, 'lib-link', 'x'))).toMatchObject({ code: 'BAD_INPUT', field: 'folder' })
    // Duplicate ids are refused by the contract.
    expect(await t.core.invoke('outputs.export', { ids: [a.id, a.id], folder: join(t.dataDir, 'x'), metadata: 'keep' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    })

    await rm(join(t.libraryDir, b.path))
    const folder = join(t.dataDir, 'exports', 'partial')
    const result = await t.call('outputs.export', { ids: ['o_unknown' as OutputId, b.id, a.id], folder, metadata: 'strip' })
    expect(result.exported).toEqual([{ id: a.id, fileName: 'dreamscape-sdxl-seed-1-1.png' }])
    expect(result.skipped).toEqual([
      { id: 'o_unknown', reason: expect.stringContaining('no longer in the library') },
      { id: b.id, reason: expect.stringContaining('no longer on disk') },
    ])
    expect(await readdir(folder)).toEqual(['dreamscape-sdxl-seed-1-1.png'])
  })

  it.skipIf(ffmpeg.path === null || locateVideoTools({ COURIER_FFMPEG: ffmpeg.path ?? '' }).ffprobe === null)(
    'videos: keep is byte-identical; strip leaves no comfy-courier tag and still decodes',
    async () => {
      const t = await core({ COURIER_FFMPEG: ffmpeg.path! })
      const tools = locateVideoTools({ COURIER_FFMPEG: ffmpeg.path! })
      const videos = await saved(t, 'comfydeploy', DEPLOYMENT_IDS.motionLoop, { frames: 16 }, 2)
      const ids = videos.map((v) => v.id)
      const keepFolder = join(t.dataDir, 'exports', 'videos-kept')
      const kept = await t.call('outputs.export', { ids, folder: keepFolder, metadata: 'keep' })
      expect(kept.exported).toHaveLength(2)
      for (const { id, fileName } of kept.exported) {
        const video = videos.find((v) => v.id === id)!
        expect((await readFile(join(keepFolder, fileName))).equals(await readFile(join(t.libraryDir, video.path)))).toBe(true)
        expect((await readVideoMetadata(join(keepFolder, fileName), tools))?.text['comfy-courier']).toBeTruthy()
      }

      const stripFolder = join(t.dataDir, 'exports', 'videos-plain')
      const stripped = await t.call('outputs.export', { ids, folder: stripFolder, metadata: 'strip' })
      expect(stripped.skipped).toEqual([])
      expect(stripped.exported.map((e) => e.fileName.split('.').pop()).sort()).toEqual(['mp4', 'webm'])
      for (const { fileName } of stripped.exported) {
        const file = join(stripFolder, fileName)
        const raw = await readVideoMetadata(file, tools)
        expect(raw).not.toBeNull()
        expect(raw!.text['comfy-courier']).toBeUndefined()
        expect(raw!.text.parameters).toBeUndefined()
        await run(ffmpeg.path!, ['-v', 'error', '-i', file, '-f', 'null', '-'])
      }
      expect((await readdir(stripFolder)).filter((name) => name.endsWith('.part'))).toEqual([])
    },
  )

  it('without ffmpeg: keep takes the sidecar along; strip skips the videos rather than copy them with their record', async () => {
    const t = await core({ COURIER_FFMPEG: join(tmpdir(), 'no-ffmpeg-here', 'ffmpeg') })
    const videos = await saved(t, 'comfydeploy', DEPLOYMENT_IDS.motionLoop, {}, 2)
    const ids = videos.map((v) => v.id)
    const keepFolder = join(t.dataDir, 'exports', 'sidecars')
    const kept = await t.call('outputs.export', { ids, folder: keepFolder, metadata: 'keep' })
    expect(kept.exported).toHaveLength(2)
    for (const { id, fileName } of kept.exported) {
      const video = videos.find((v) => v.id === id)!
      const sidecar = await readFile(join(keepFolder, `${fileName}.json`), 'utf8')
      expect(sidecar).toBe(await readFile(join(t.libraryDir, `${video.path}.json`), 'utf8'))
    }
    expect((await readdir(keepFolder)).length).toBe(4)

    const stripFolder = join(t.dataDir, 'exports', 'no-ffmpeg')
    const stripped = await t.call('outputs.export', { ids, folder: stripFolder, metadata: 'strip' })
    expect(stripped.exported).toEqual([])
    expect(stripped.skipped).toHaveLength(2)
    for (const skip of stripped.skipped) expect(skip.reason).toMatch(/needs ffmpeg/)
    expect(await readdir(stripFolder)).toEqual([])
  })
})
