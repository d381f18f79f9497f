import http from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startSim, type Sim } from '../index'
import { DEPLOYMENT_IDS } from './deployments'
import { KEY, call, download, pollRun, queue, succeeded } from './test-kit'
import { UPLOAD_LIMIT_BYTES, newFileId } from './uploads'

async function upload(sim: Sim, name: string, bytes: Uint8Array, type: string) {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name)
  return call(sim, '/api/file/upload', { method: 'POST', body: form })
}

// A 1×1 PNG.
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
)

describe('ComfyDeploy simulator: file upload', () => {
  let sim: Sim
  beforeEach(async () => {
    sim = await startSim({ timeScale: 0.05 })
  })
  afterEach(() => sim.close())

  it('stores a file and answers with a URL the simulator serves', async () => {
    const res = await upload(sim, 'ref.png', PIXEL_PNG, 'image/png')
    expect(res.status).toBe(200)
    const reply = res.body as Record<string, string>
    expect(Object.keys(reply).sort()).toEqual(['file_id', 'file_name', 'file_url', 'message'])
    expect(reply).toMatchObject({ message: 'File uploaded successfully', file_name: 'ref.png' })
    expect(reply.file_id).toMatch(/^img_[A-Za-z0-9]{16}$/)
    expect(reply.file_url).toBe(`${sim.url}/media/uploads/${reply.file_id}.png`)
    const file = await download(reply.file_url!)
    expect(file).toMatchObject({ status: 200, type: 'image/png' })
    expect(file.bytes.equals(PIXEL_PNG)).toBe(true)
  })

  it('prefixes the id by MIME type and keeps the extension', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['clip.mp4', 'video/mp4', /^vid_\w{16}$/],
      ['voice.wav', 'audio/wav', /^audio_\w{16}$/],
      ['bundle.zip', 'application/zip', /^zip_\w{16}$/],
      ['lora.safetensors', 'application/octet-stream', /^file_\w{16}$/],
    ]
    for (const [name, type, id] of cases) {
      const reply = (await upload(sim, name, Buffer.from('data'), type)).body as Record<string, string>
      expect(reply.file_id).toMatch(id)
      expect(reply.file_url!.endsWith(`${reply.file_id}${name.slice(name.lastIndexOf('.'))}`)).toBe(true)
    }
    expect(newFileId('image/webp')).toMatch(/^img_/)
  })

  it('refuses unsupported types, a missing file field and a missing key', async () => {
    expect(await upload(sim, 'notes.txt', Buffer.from('hi'), 'text/plain')).toMatchObject({
      status: 400,
      body: { detail: 'Unsupported file type' },
    })
    const form = new FormData()
    form.append('other', 'x')
    expect(await call(sim, '/api/file/upload', { method: 'POST', body: form })).toMatchObject({
      status: 422,
      body: { detail: [{ type: 'missing', loc: ['body', 'file'] }] },
    })
    const anonymous = await fetch(`${sim.url}/api/file/upload`, { method: 'POST', body: new FormData() })
    expect(anonymous.status).toBe(401)
  })

  it('refuses a file over 250 MB from its declared size, before reading it', async () => {
    const declared = UPLOAD_LIMIT_BYTES + 2 * 1024 * 1024
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${sim.url}/api/file/upload`, {
        method: 'POST',
        headers: { ...KEY, 'content-type': 'multipart/form-data; boundary=b', 'content-length': declared },
      })
      req.on('response', (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body })
          req.destroy()
        })
      })
      req.on('error', reject)
      req.write('--b\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\n\r\n')
    })
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toEqual({ detail: 'File size exceeds 250MB limit' })
  })

  it('accepts uploaded URLs and moves PNG data URIs to storage', async () => {
    const uploaded = ((await upload(sim, 'ref.png', PIXEL_PNG, 'image/png')).body as { file_url: string }).file_url
    const dataUri = `data:image/png;base64,${PIXEL_PNG.toString('base64')}`
    const id = await queue(sim, {
      deployment_id: DEPLOYMENT_IDS.everyInput,
      inputs: { input_image: uploaded, mask_image: dataUri, reference_images: [dataUri, uploaded] },
    })
    const run = await pollRun(sim, id, succeeded)
    const inputs = run.workflow_inputs as Record<string, unknown>
    expect(inputs.input_image).toBe(uploaded)
    const moved = inputs.mask_image as string
    expect(moved).toMatch(new RegExp(`^${sim.url}/media/uploads/img_\\w{16}\\.png$`))
    expect((await download(moved)).bytes.equals(PIXEL_PNG)).toBe(true)
    expect(inputs.reference_images).toEqual([expect.stringMatching(/\/media\/uploads\/img_\w{16}\.png$/), uploaded])
  })

  it('refuses a reference to an upload it does not hold', async () => {
    const res = await call(sim, '/api/run/deployment/queue', {
      method: 'POST',
      json: { deployment_id: DEPLOYMENT_IDS.everyInput, inputs: { input_video: `${sim.url}/media/uploads/vid_AAAAAAAAAAAAAAAA.mp4` } },
    })
    expect(res).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'inputs', 'input_video'], msg: 'Input points at no uploaded file' }] } })
  })
})
