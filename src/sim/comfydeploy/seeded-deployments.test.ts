import sharp from 'sharp'
import { PNG } from 'pngjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../index'
import { DEFAULT_TIMELINE, DEPLOYMENTS, DEPLOYMENT_IDS, findDeployment } from './deployments'
import { call, download, itemsOf, pollRun, queue, succeeded, type RunBody } from './test-kit'

const FAST = 0.05
const EXT = 'ComfyUIDeployExternal'

describe('ComfyDeploy simulator: seeded deployments', () => {
  let sim: Sim
  beforeEach(async () => {
    sim = await startSim({ timeScale: FAST })
  })
  afterEach(() => sim.close())

  it('has stable, distinct ids for every row, all listed', async () => {
    expect(Object.values(DEPLOYMENT_IDS).sort()).toEqual(DEPLOYMENTS.map((d) => d.id).sort())
    const list = (await call(sim, '/api/deployments')).body as Array<{ id: string; workflow: { name: string } }>
    expect(list.map((d) => d.workflow.name)).toEqual([
      'Dreamscape SDXL',
      'Quick Sketch',
      'Always Fails',
      'Every Input',
      'Motion Loop',
      'Contact Sheet',
      'Slow Render',
      'Poster 8K',
    ])
  })

  describe('Every Input', () => {
    it('declares one input of every class of §7, with defaults, bounds and descriptions', async () => {
      const model = (await call(sim, `/api/deployment/${DEPLOYMENT_IDS.everyInput}`)).body as { input_types: Array<Record<string, unknown>> }
      const classes = model.input_types.map((i) => i.class_type)
      for (const cls of [
        'Text',
        'TextSingleLine',
        'TextAny',
        'Enum',
        'Image',
        'ImageAlpha',
        'ImageBatch',
        'Video',
        'Audio',
        'File',
        'EXR',
        'Lora',
        'Checkpoint',
        'Number',
        'NumberInt',
        'NumberSlider',
        'NumberSliderInt',
        'Boolean',
      ]) {
        expect(classes).toContain(`${EXT}${cls}`)
      }
      expect(classes).toContain('ComfyDeployWebscoketImageInput')
      const byId = Object.fromEntries(model.input_types.map((i) => [i.input_id, i]))
      expect(byId.scheduler).toMatchObject({ type: 'string', enum_options: ['normal', 'karras', 'exponential', 'sgm_uniform'], default_value: 'karras' })
      expect(byId.denoise).toMatchObject({ type: 'float', min_value: 0, max_value: 1, step: 0.05 })
      expect(byId.realtime_frame).toMatchObject({ type: 'binary' })
      for (const input of model.input_types) expect(input.description).not.toBe('')
    })

    it('refuses values of the wrong type, naming the input', async () => {
      const bad: Array<[string, unknown, string]> = [
        ['title', 42, 'string_type'],
        ['scheduler', 'simple', 'enum'],
        ['input_image', 'not a url', 'url_parsing'],
        ['input_video', 7, 'string_type'],
        ['reference_images', '["https://x.test/a.png", 3]', 'url_parsing'],
        ['lora_url', 'data:application/octet-stream;base64,AAAA', 'url_parsing'],
        ['cfg', 'seven', 'float_type'],
        ['batch_size', 1.5, 'int_from_float'],
        ['steps', 61, 'less_than_equal'],
        ['denoise', -0.5, 'greater_than_equal'],
        ['upscale', 'yes', 'bool_type'],
      ]
      for (const [input, value, type] of bad) {
        const res = await call(sim, '/api/run/deployment/queue', {
          method: 'POST',
          json: { deployment_id: DEPLOYMENT_IDS.everyInput, inputs: { [input]: value } },
        })
        expect(res.status, `${input}=${JSON.stringify(value)}`).toBe(422)
        expect(res.body).toMatchObject({ detail: [{ loc: ['body', 'inputs', input], type }] })
      }
      expect(sim.stats().runsQueued).toBe(0)
    })

    it('echoes every value it got, by type, into a text output and a text file', async () => {
      const inputs = {
        prompt: 'two lines\nof prompt',
        title: 'Hello',
        sampler_name: 'dpmpp_2m',
        scheduler: 'exponential',
        input_image: 'https://example.com/a.png',
        reference_images: '["https://example.com/1.png","https://example.com/2.png"]',
        input_video: 'https://example.com/v.mp4',
        input_audio: 'https://example.com/a.wav',
        input_file: 'https://example.com/f.zip',
        lora_url: 'https://example.com/style.safetensors',
        cfg: 4.5,
        batch_size: 2,
        denoise: 0.3,
        steps: 12,
        upscale: true,
        seed: 9,
        unknown_key: 'dropped',
      }
      const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.everyInput, inputs })
      const run = await pollRun(sim, id, succeeded)
      const echo = run.outputs.find((o) => o.output_id === 'echo')!
      expect(Object.keys(echo.data).sort()).toEqual(['text', 'text_file'])
      const text = echo.data.text![0] as string
      const parsed = JSON.parse(text) as { inputs: Record<string, { value: unknown; value_type: string; source: string; class_type: string }>; ignored: string[] }
      expect(parsed.ignored).toEqual(['unknown_key'])
      expect(parsed.inputs.prompt).toMatchObject({ value: inputs.prompt, value_type: 'string', source: 'submitted', class_type: `${EXT}Text` })
      expect(parsed.inputs.cfg).toMatchObject({ value: 4.5, value_type: 'number' })
      expect(parsed.inputs.upscale).toMatchObject({ value: true, value_type: 'boolean' })
      expect(parsed.inputs.mask_image).toMatchObject({ value: null, source: 'default' })
      expect(parsed.inputs.realtime_frame).toBeUndefined()
      const [file] = itemsOf(run, 'text_file')
      const got = await download(file!.url)
      expect(got.type).toMatch(/^text\/plain/)
      expect(got.bytes.toString('utf8')).toBe(text)
    })
  })

  it('Motion Loop outputs a WebM and an MP4 under gifs, served with video types', async () => {
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.motionLoop, inputs: { prompt: 'orb' } })
    const run = await pollRun(sim, id, succeeded)
    expect(run.outputs).toHaveLength(1)
    expect(Object.keys(run.outputs[0]!.data)).toEqual(['gifs'])
    const gifs = itemsOf(run, 'gifs')
    expect(gifs.map((g) => [g.filename, g.format])).toEqual([
      ['motion-loop.webm', 'video/webm'],
      ['motion-loop.mp4', 'video/h264-mp4'],
    ])
    const [webm, mp4] = [await download(gifs[0]!.url), await download(gifs[1]!.url)]
    expect(webm).toMatchObject({ status: 200, type: 'video/webm' })
    expect(webm.bytes.subarray(0, 4).toString('hex')).toBe('1a45dfa3')
    expect(mp4).toMatchObject({ status: 200, type: 'video/mp4' })
    expect(mp4.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp')
  })

  it('Contact Sheet outputs 4 PNGs, a WebP, a JPEG, a JSON file and a caption (text and its file)', async () => {
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.contactSheet, inputs: { prompt: 'lake', seed: 3 } })
    const run = await pollRun(sim, id, succeeded)
    expect(run.outputs.map((o) => [o.output_id, Object.keys(o.data)])).toEqual([
      ['sheet', ['images']],
      ['preview_webp', ['images']],
      ['preview_jpeg', ['images']],
      ['manifest', ['files']],
      ['caption', ['text', 'text_file']],
    ])
    const images = itemsOf(run, 'images')
    expect(images).toHaveLength(6)
    const formats: string[] = []
    for (const image of images) {
      const got = await download(image.url)
      const meta = await sharp(got.bytes).metadata()
      formats.push(`${meta.format}:${got.type}`)
    }
    expect(formats).toEqual([...Array(4).fill('png:image/png'), 'webp:image/webp', 'jpeg:image/jpeg'])
    const [manifest] = itemsOf(run, 'files')
    const json = JSON.parse((await download(manifest!.url)).bytes.toString()) as { files: Array<{ filename: string }> }
    expect(json.files.map((f) => f.filename)).toEqual(images.map((i) => i.filename))
    const caption = run.outputs.at(-1)!.data.text!
    expect(caption).toEqual([expect.stringContaining('lake (seed 3)')])
  })

  it('Slow Render is Dreamscape with a ten times longer timeline', async () => {
    const dream = findDeployment(DEPLOYMENT_IDS.dreamscape)!
    const slow = findDeployment(DEPLOYMENT_IDS.slowRender)!
    expect(slow.inputs).toBe(dream.inputs)
    expect(slow.outputs).toBe(dream.outputs)
    expect(slow.timeline).toEqual({
      ...DEFAULT_TIMELINE,
      coldStartMs: DEFAULT_TIMELINE.coldStartMs * 10,
      queuedMs: DEFAULT_TIMELINE.queuedMs * 10,
      startedMs: DEFAULT_TIMELINE.startedMs * 10,
      tickMs: DEFAULT_TIMELINE.tickMs * 10,
      finishMs: DEFAULT_TIMELINE.finishMs * 10,
    })
    const fast = await queue(sim, { deployment_id: DEPLOYMENT_IDS.dreamscape })
    const slowRun = await queue(sim, { deployment_id: DEPLOYMENT_IDS.slowRender })
    await pollRun(sim, fast, succeeded)
    expect(((await call(sim, `/api/run/${slowRun}`)).body as RunBody).status).not.toBe('success')
  })

  it('Poster 8K outputs one PNG of largeOutputBytes, streamed', async () => {
    sim.faults.largeOutputBytes = 3 * 1024 * 1024 + 17
    const id = await queue(sim, { deployment_id: DEPLOYMENT_IDS.poster8k })
    const run = await pollRun(sim, id, succeeded)
    const [poster] = itemsOf(run, 'images')
    const head = await fetch(poster!.url, { method: 'HEAD' })
    expect(head.headers.get('content-length')).toBe(String(3 * 1024 * 1024 + 17))
    const got = await download(poster!.url)
    expect(got).toMatchObject({ status: 200, type: 'image/png', length: String(3 * 1024 * 1024 + 17) })
    expect(got.bytes.length).toBe(3 * 1024 * 1024 + 17)
    const png = PNG.sync.read(got.bytes)
    expect(png.width).toBeGreaterThan(png.height)
  })
})
