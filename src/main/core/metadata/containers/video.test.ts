import { execFileSync, spawnSync } from 'node:child_process'
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COURIER_RECORD_KEY } from '../../../../shared/provenance'
import { ffmetadataOf, locateVideoTools, readVideoMetadata, stripVideoMetadata, videoContainerOf, writeVideoMetadata, type VideoTools } from './video'

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/video/${name}`, import.meta.url))
const COMFY_MP4 = fixture('comfyui-savevideo.mp4')
const COMFY_WEBM = fixture('comfyui-savewebm.webm')
const VHS_MP4 = fixture('vhs-combine.mp4')

const real = locateVideoTools()
const haveTools = real.ffmpeg !== null && real.ffprobe !== null
const skipWhy = real.ffmpeg === null ? 'ffmpeg is not installed' : 'ffprobe is not beside ffmpeg'
const NO_TOOLS: VideoTools = { ffmpeg: null, ffprobe: null }

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'courier-vmeta-test-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** What ffprobe itself says of a file's streams and length (not through the module under test). */
function probeShape(file: string): { streams: string[]; duration: number } {
  const out = execFileSync(real.ffprobe!, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8', maxBuffer: 64 << 20 })
  const json = JSON.parse(out) as { streams: { codec_type: string; codec_name: string; width?: number; nb_frames?: string }[]; format: { duration: string } }
  return { streams: json.streams.map((s) => `${s.codec_type}/${s.codec_name}/${s.width ?? ''}`), duration: Number(json.format.duration) }
}

/** Whether ffmpeg decodes every frame of the file without an error. */
function decodes(file: string): boolean {
  return spawnSync(real.ffmpeg!, ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' }).status === 0
}

/** A value ffmetadata must escape everything of, over the 128 KiB one command-line argument may have on Linux. */
function awkwardValue(): string {
  const record = {
    format: 'comfy-courier/1',
    prompt: 'a "quoted" prompt; with = signs # hashes \\ backslashes\nand lines\r\nCRLF too\ttabbed',
    unicode: 'Grüße, 東京, emoji 🎞️, RTL עברית',
    padding: 'x'.repeat(140_000),
  }
  // Raw (not JSON-escaped) line ends, tabs and quotes too, and spaces at both ends.
  return `  [${JSON.stringify(record, null, 2)}\n;#=\\ "raw" \r\nCRLF, a lone\rCR,\ttab, Grüße  `
}

describe('locating ffmpeg and ffprobe', () => {
  it('finds ffprobe beside the ffmpeg found, and none where there is no ffmpeg', async () => {
    const bin = join(dir, 'bin')
    await mkdir(bin, { recursive: true })
    for (const name of ['ffmpeg', 'ffprobe']) {
      await writeFile(join(bin, name), '#!/bin/sh\n')
      await chmod(join(bin, name), 0o755)
    }
    expect(locateVideoTools({ PATH: bin }, 'linux')).toEqual({ ffmpeg: join(bin, 'ffmpeg'), ffprobe: join(bin, 'ffprobe') })
    expect(locateVideoTools({ COURIER_FFMPEG: join(bin, 'ffmpeg'), PATH: '' }, 'linux')).toEqual({ ffmpeg: join(bin, 'ffmpeg'), ffprobe: join(bin, 'ffprobe') })
    const lonely = join(dir, 'lonely')
    await mkdir(lonely, { recursive: true })
    await copyFile(join(bin, 'ffmpeg'), join(lonely, 'ffmpeg'))
    await chmod(join(lonely, 'ffmpeg'), 0o755)
    expect(locateVideoTools({ PATH: lonely }, 'linux')).toEqual({ ffmpeg: join(lonely, 'ffmpeg'), ffprobe: null })
    expect(locateVideoTools({ PATH: join(dir, 'nowhere') }, 'linux')).toEqual(NO_TOOLS)
  })

  it('knows the containers by name, a `.part` after it ignored', () => {
    expect(videoContainerOf('/a/clip.MP4')).toEqual({ demuxer: 'mov', muxer: 'mp4' })
    expect(videoContainerOf('/a/clip.mov.part')).toEqual({ demuxer: 'mov', muxer: 'mov' })
    expect(videoContainerOf('/a/clip.webm')).toEqual({ demuxer: 'matroska', muxer: 'webm' })
    expect(videoContainerOf('/a/clip.mkv')).toEqual({ demuxer: 'matroska', muxer: 'matroska' })
    expect(videoContainerOf('/a/clip.gif')).toBeNull()
    expect(videoContainerOf('/a/.mp4')).toBeNull()
  })

  it('escapes = ; # \\ and line ends in the ffmetadata file, and a [ that would start a section', () => {
    expect(ffmetadataOf({ 'a=b': 'x;y#z\\w\nv\rend', '[STREAM]': '[CHAPTER]' })).toBe(
      ';FFMETADATA1\na\\=b=x\\;y\\#z\\\\w\\\nv\\\rend\n\\[STREAM]=\\[CHAPTER]\n',
    )
  })
})

describe('video tags without ffmpeg', () => {
  it('reads nothing and refuses to write or strip, saying ffmpeg is missing', async () => {
    expect(await readVideoMetadata(COMFY_MP4, NO_TOOLS)).toBeNull()
    const target = join(dir, 'none.mp4.part')
    await expect(writeVideoMetadata(COMFY_MP4, target, { [COURIER_RECORD_KEY]: '{}' }, NO_TOOLS)).rejects.toThrow(/ffmpeg is not available/)
    await expect(stripVideoMetadata(COMFY_MP4, target, NO_TOOLS)).rejects.toThrow(/ffmpeg is not available/)
    expect(existsSync(target)).toBe(false)
  })

  it('reads nothing and does not write where ffmpeg is there but ffprobe is not', async () => {
    const half = { ffmpeg: real.ffmpeg ?? '/usr/bin/ffmpeg', ffprobe: null }
    expect(await readVideoMetadata(COMFY_MP4, half)).toBeNull()
    await expect(writeVideoMetadata(COMFY_MP4, join(dir, 'half.mp4.part'), { a: 'b' }, half)).rejects.toThrow(/ffprobe is not available/)
  })

  it('reads nothing when the ffprobe given does not exist', async () => {
    expect(await readVideoMetadata(COMFY_MP4, { ffmpeg: null, ffprobe: join(dir, 'no-such-ffprobe') })).toBeNull()
  })
})

describe.skipIf(!haveTools)(`video tags with the real ffmpeg${haveTools ? '' : ` (skipped: ${skipWhy})`}`, () => {
  const tools = real

  describe('reading', () => {
    it("reads ComfyUI's SaveVideo MP4: prompt and workflow as keyed metadata", async () => {
      const raw = await readVideoMetadata(COMFY_MP4, tools)
      expect(raw).not.toBeNull()
      expect(raw!.exif).toEqual({})
      expect(raw!.xmp).toBeNull()
      const prompt = JSON.parse(raw!.text.prompt!) as Record<string, { class_type: string; inputs: Record<string, unknown> }>
      expect(prompt['5']!.class_type).toBe('SaveVideo')
      expect(prompt['7']!.inputs.text).toBe('a lighthouse at dusk, "cinematic", waves; 35mm = film #grain')
      const workflow = JSON.parse(raw!.text.workflow!) as { id: string; nodes: unknown[] }
      expect(workflow.id).toBe('9f1c2d34-5e6f-4a7b-8c9d-0e1f2a3b4c5d')
      expect(workflow.nodes).toHaveLength(7)
      expect(raw!.text.major_brand).toBe('isom')
    })

    it("reads ComfyUI's SaveWEBM WebM: the muxer's upper-case PROMPT and WORKFLOW read as prompt and workflow", async () => {
      const raw = await readVideoMetadata(COMFY_WEBM, tools)
      expect(raw).not.toBeNull()
      expect(Object.keys(raw!.text).sort()).toEqual(['encoder', 'prompt', 'workflow'])
      const prompt = JSON.parse(raw!.text.prompt!) as Record<string, { class_type: string }>
      expect(prompt['3']!.class_type).toBe('SaveWEBM')
      expect((JSON.parse(raw!.text.workflow!) as { id: string }).id).toBe('9f1c2d34-5e6f-4a7b-8c9d-0e1f2a3b4c5d')
      // The same graph as the MP4 of the same run.
      expect(raw!.text.prompt).toBe((await readVideoMetadata(COMFY_MP4, tools))!.text.prompt)
    })

    it("reads VideoHelperSuite's comment: a JSON object with prompt and workflow", async () => {
      const raw = await readVideoMetadata(VHS_MP4, tools)
      const comment = JSON.parse(raw!.text.comment!) as { prompt: string; workflow: { nodes: unknown[] } }
      const prompt = JSON.parse(comment.prompt) as Record<string, { inputs: Record<string, unknown> }>
      expect(prompt['6']!.inputs.text).toBe('a red fox; "golden hour" = warm #light')
      expect(comment.workflow.nodes).toHaveLength(6)
      expect(raw!.text.creation_time).toBe('2026-01-02T03:04:05.000000Z')
    })

    it("reads a WebM's stream tags after its own, leaving out the muxer's track duration", async () => {
      const file = join(dir, 'stream-tags.webm')
      execFileSync(tools.ffmpeg!, [
        '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=8', '-t', '1', '-c:v', 'libvpx-vp9',
        '-metadata', 'title=the file', '-metadata:s:v:0', 'comment={"prompt": "on the stream"}', '-metadata:s:v:0', 'title=the stream', file,
      ])
      const raw = await readVideoMetadata(file, tools)
      expect(raw!.text.comment).toBe('{"prompt": "on the stream"}')
      expect(raw!.text.title).toBe('the file')
      expect(raw!.text).not.toHaveProperty('duration')
    })

    it('reads nothing from garbage, a truncated MP4, a WebM named .mp4, or a name it does not know', async () => {
      const garbage = join(dir, 'garbage.mp4')
      await writeFile(garbage, Buffer.from('this is not a video at all, just some text\n'.repeat(40)))
      const truncated = join(dir, 'truncated.mp4')
      await writeFile(truncated, (await readFile(COMFY_MP4)).subarray(0, 1500))
      const misnamed = join(dir, 'misnamed.mp4')
      await copyFile(COMFY_WEBM, misnamed)
      const unknown = join(dir, 'clip.avi')
      await copyFile(COMFY_MP4, unknown)
      for (const file of [garbage, truncated, misnamed, unknown, join(dir, 'missing.mp4')]) expect(await readVideoMetadata(file, tools)).toBeNull()
    })
  })

  describe('writing', () => {
    for (const [name, source] of [['ComfyUI MP4', COMFY_MP4], ['ComfyUI WebM', COMFY_WEBM], ['VideoHelperSuite MP4', VHS_MP4]] as const) {
      it(`${name}: a large awkward value goes in and comes back exactly; the tags already there stay; the video is untouched`, async () => {
        const before = (await readVideoMetadata(source, tools))!.text
        const target = join(dir, `written-${name.replace(/ /g, '-')}.part`)
        const value = awkwardValue()
        expect(Buffer.byteLength(value)).toBeGreaterThan(128 * 1024)
        await writeVideoMetadata(source, target, { [COURIER_RECORD_KEY]: value, 'courier-note': 'ü = "ok"' }, tools)
        const after = await readAs(target, source)
        expect(after.text[COURIER_RECORD_KEY]).toBe(value)
        expect(after.text['courier-note']).toBe('ü = "ok"')
        for (const key of ['prompt', 'workflow', 'comment', 'creation_time']) expect(after.text[key]).toBe(before[key])
        expect(decodes(target)).toBe(true)
        const [was, is] = [probeShape(source), probeShape(target)]
        expect(is.streams).toEqual(was.streams)
        expect(Math.abs(is.duration - was.duration)).toBeLessThanOrEqual(0.1)
        // Written again over its own copy: the tag is replaced, not doubled.
        const again = join(dir, `again-${name.replace(/ /g, '-')}.part`)
        await copyFile(target, `${target}.src${source.slice(source.lastIndexOf('.'))}`)
        await writeVideoMetadata(`${target}.src${source.slice(source.lastIndexOf('.'))}`, again, { [COURIER_RECORD_KEY]: 'second' }, tools)
        const twice = await readAs(again, source)
        expect(twice.text[COURIER_RECORD_KEY]).toBe('second')
        expect(twice.text.prompt).toBe(before.prompt)
      })
    }

    it("replaces ComfyUI's own tag when given one by the same name, the Matroska one regardless of case", async () => {
      for (const source of [COMFY_MP4, COMFY_WEBM]) {
        const target = join(dir, `replaced${source.slice(source.lastIndexOf('.'))}.part`)
        await writeVideoMetadata(source, target, { prompt: '{"replaced": true}' }, tools)
        const raw = await readAs(target, source)
        expect(raw.text.prompt).toBe('{"replaced": true}')
        expect(raw.text.workflow).toBe((await readVideoMetadata(source, tools))!.text.workflow)
        expect(Object.keys(raw.text).filter((key) => key.toLowerCase() === 'prompt')).toEqual(['prompt'])
      }
    })

    it('refuses garbage and a truncated file, leaving no target', async () => {
      const garbage = join(dir, 'garbage-in.webm')
      await writeFile(garbage, Buffer.alloc(5000, 0x1a))
      const truncated = join(dir, 'truncated-in.mp4')
      await writeFile(truncated, (await readFile(COMFY_MP4)).subarray(0, 1500))
      for (const source of [garbage, truncated]) {
        const target = `${source}.part`
        await expect(writeVideoMetadata(source, target, { a: 'b' }, tools)).rejects.toThrow(/ffprobe cannot read/)
        await expect(stripVideoMetadata(source, target, tools)).rejects.toThrow(/ffprobe cannot read/)
        expect(existsSync(target)).toBe(false)
      }
    })

    it("says what ffmpeg said when it fails (the end of its messages), and refuses to write over the source", async () => {
      const target = join(dir, 'no-such-folder', 'out.mp4.part')
      await expect(writeVideoMetadata(COMFY_MP4, target, { a: 'b' }, tools)).rejects.toThrow(/ffmpeg ended with 1: .*No such file or directory/)
      await expect(writeVideoMetadata(COMFY_MP4, COMFY_MP4, { a: 'b' }, tools)).rejects.toThrow(/another file/)
      await expect(writeVideoMetadata(join(dir, 'clip.avi'), join(dir, 'x.part'), { a: 'b' }, tools)).rejects.toThrow(/not an \.mp4/)
      await expect(writeVideoMetadata(COMFY_MP4, join(dir, 'x.part'), { 'a\0b': 'c' }, tools)).rejects.toThrow(/NUL/)
    })

    it('removes a copy that is not right: an ffmpeg that exits 0 having written garbage', async () => {
      const fake = join(dir, 'lying-ffmpeg')
      // Its last argument is the target (`file:` + path).
      await writeFile(fake, '#!/bin/sh\nfor last; do :; done\nprintf "not a video" > "${last#file:}"\n')
      await chmod(fake, 0o755)
      const target = join(dir, 'lied.mp4.part')
      await expect(writeVideoMetadata(COMFY_MP4, target, { a: 'b' }, { ffmpeg: fake, ffprobe: tools.ffprobe })).rejects.toThrow(/cannot read the copy/)
      expect(existsSync(target)).toBe(false)
    })

    it('kills an ffmpeg that hangs at the timeout, or when stopped, and leaves no target', async () => {
      const fake = join(dir, 'hanging-ffmpeg')
      await writeFile(fake, '#!/bin/sh\nfor last; do :; done\nprintf partial > "${last#file:}"\nexec sleep 60\n')
      await chmod(fake, 0o755)
      const hanging = { ffmpeg: fake, ffprobe: tools.ffprobe }
      const target = join(dir, 'hung.mp4.part')
      const started = Date.now()
      await expect(writeVideoMetadata(COMFY_MP4, target, { a: 'b' }, hanging, { timeoutMs: 700 })).rejects.toThrow(/did not finish within 0.7 s/)
      expect(Date.now() - started).toBeLessThan(5000)
      expect(existsSync(target)).toBe(false)
      // Stopped once the (fake) ffmpeg is writing, however long the steps before it take on a busy machine.
      const stop = new AbortController()
      const writing = setInterval(() => existsSync(target) && stop.abort(), 20)
      await expect(stripVideoMetadata(COMFY_MP4, target, hanging, { signal: stop.signal })).rejects.toThrow(/stopped/)
      clearInterval(writing)
      expect(existsSync(target)).toBe(false)
    })
  })

  describe('stripping', () => {
    for (const source of [COMFY_MP4, COMFY_WEBM, VHS_MP4]) {
      it(`removes every tag from ${source.slice(source.lastIndexOf('/') + 1)}, ours too, and the video is untouched`, async () => {
        const tagged = join(dir, `to-strip${source.slice(source.lastIndexOf('.'))}`)
        await writeVideoMetadata(source, tagged, { [COURIER_RECORD_KEY]: '{"format":"comfy-courier/1"}' }, tools)
        const target = `${tagged}.stripped.part`
        await stripVideoMetadata(tagged, target, tools)
        const raw = await readAs(target, source)
        const mine = ['comfy-courier', 'prompt', 'workflow', 'comment', 'creation_time', 'title']
        for (const key of mine) expect(raw.text).not.toHaveProperty(key)
        // Nothing is left but what the container itself says (MP4's ftyp brands).
        expect(Object.keys(raw.text).filter((key) => !['major_brand', 'minor_version', 'compatible_brands', 'encoder'].includes(key))).toEqual([])
        expect(raw.text.encoder ?? 'Lavf').toBe('Lavf')
        expect(decodes(target)).toBe(true)
        const [was, is] = [probeShape(source), probeShape(target)]
        expect(is.streams).toEqual(was.streams)
        expect(Math.abs(is.duration - was.duration)).toBeLessThanOrEqual(0.1)
      })
    }
  })

  it('leaves no scratch folder behind', async () => {
    const before = (await readdir(tmpdir())).filter((name) => name.startsWith('courier-video-'))
    await writeVideoMetadata(COMFY_MP4, join(dir, 'scratch.mp4.part'), { a: 'b' }, tools)
    await expect(writeVideoMetadata(COMFY_MP4, join(dir, 'nope', 'x.part'), { a: 'b' }, tools)).rejects.toThrow()
    expect((await readdir(tmpdir())).filter((name) => name.startsWith('courier-video-'))).toEqual(before)
  })

  /** Reads a `.part` copy as the source's container (by naming a copy of it like the source). */
  async function readAs(part: string, source: string) {
    const named = `${part}.check${source.slice(source.lastIndexOf('.'))}`
    await copyFile(part, named)
    const raw = await readVideoMetadata(named, tools)
    expect(raw).not.toBeNull()
    return raw!
  }
})
