import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { readImageMetadata } from '../../src/main/core/metadata/containers/image'
import type { Run } from '../../src/shared/run'
import { removeDir, startTestCore, type TestCore } from './core-fixture'
import { startTcpProxy, type TcpProxy } from './tcp-proxy'

/**
 * The same checks against the simulator (CI) and the real ComfyUI server (`comfyui-real.test.ts`): a
 * model-free workflow from submit to files on disk with ComfyUI's metadata intact, live progress through
 * `/ws`, cancel while queued and while running, the socket cut mid-run, a UI-format workflow converted and
 * run, a `node_errors` refusal on the right field, and an `execution_error` naming its node.
 */

type Prompt = Record<string, { class_type: string; inputs: Record<string, unknown>; _meta?: { title: string } }>

export const SIMPLE: Prompt = {
  '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 48, batch_size: 1, color: 16711680 } },
  '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 3, sigma: 1 } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'courier_test' } },
}

/** A node error on the saved graph itself (the form does not check values it does not show). */
export const BAD_VALUE: Prompt = { ...SIMPLE, '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 99, sigma: 1 } } }

/** SaveImage refuses to write outside its folder: an error while running, at node 3. */
export const FAILS_RUNNING: Prompt = {
  ...SIMPLE,
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: '../../escape' }, _meta: { title: 'Save outside' } },
}

export const UI_WORKFLOW = readFileSync(join(__dirname, '../contract/fixtures/comfyui/ui-workflow.json'), 'utf8')

export interface ComfyTarget {
  url: string
  /** A graph that runs for a few seconds; a new one each call (ComfyUI caches what it ran before). */
  slow: () => Prompt
  /** Per-run wait (ms). */
  runTimeoutMs: number
  /** Saves a workflow on the server, as its editor's "Save" does. */
  saveWorkflow(file: string, text: string): Promise<void>
  close(): Promise<void>
}

/** A tiny real PNG (4×4, grey). */
export const PNG_4X4 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAADklEQVR4nGNoQAIMxHEAcFIYAYPG8BkAAAAASUVORK5CYII=',
  'base64',
)

/** An uploaded image, inverted and saved. */
export const WITH_IMAGE: Prompt = {
  '1': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
  '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
  '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'courier_upload' } },
}

export function comfyuiSuite(start: () => Promise<ComfyTarget>): void {
  let target: ComfyTarget
  let proxy: TcpProxy
  let t: TestCore
  const cores: TestCore[] = []

  beforeAll(async () => {
    target = await start()
    proxy = await startTcpProxy(target.url)
  }, 120_000)
  afterAll(async () => {
    await proxy?.close()
    await target?.close()
  })
  afterEach(async () => {
    for (const core of cores.splice(0)) {
      await core.stop().catch(() => {})
      await removeDir(core.dataDir)
    }
  })

  const core = async () => {
    const started = await startTestCore({ env: { COMFYUI_URL: proxy.url }, tuning: { comfyuiSocketBackoffMs: [200, 400] } })
    cores.push(started)
    t = started
    return started
  }
  const add = (name: string, workflow: Prompt | string) =>
    t.call('deployments.add', { provider: 'comfyui', name, workflowJson: typeof workflow === 'string' ? workflow : JSON.stringify(workflow) })
  const submit = (deploymentId: string, inputs: Record<string, string | number | boolean> = {}) =>
    t.call('runs.submit', { provider: 'comfyui', deploymentId, inputs })
  const until = (run: Run, done: (r: Run) => boolean) => t.waitForRun(run.id, done, target.runTimeoutMs)
  const submitRaw = (deploymentId: string, inputs: Record<string, string | number | boolean> = {}) =>
    t.core.call('runs.submit', { provider: 'comfyui', deploymentId, inputs })

  async function savedFiles(runId: string) {
    const outputs = await t.call('outputs.list', { runId: runId as never })
    return Promise.all(outputs.map(async (output) => ({ output, bytes: await readFile(join(t.libraryDir, output.path)) })))
  }

  it('connects: the server from COMFYUI_URL, its version, device and free VRAM', async () => {
    await core()
    const servers = await t.call('comfyui.servers', {})
    expect(servers).toMatchObject([{ id: 'env', fromEnv: true, isDefault: true, auth: 'none' }])
    const check = await t.call('comfyui.testServer', { id: 'env' })
    expect(check).toMatchObject({ ok: true, version: '0.8.0', device: expect.any(String) })
    expect(check.message).toMatch(/ComfyUI 0\.8\.0 on .*free/)
    expect((await t.call('providers.list', {})).find((p) => p.id === 'comfyui')).toMatchObject({ configured: true })
  })

  it('runs a model-free workflow to files on disk, ComfyUI’s prompt kept beside our record, with live status from /ws', async () => {
    await core()
    const deployment = await add('Red square', SIMPLE)
    expect(deployment.inputs.map((f) => f.id)).toEqual(expect.arrayContaining(['1.width', '1.height']))
    const listed = await t.call('deployments.list', { provider: 'comfyui' })
    expect(listed.map((d) => d.id)).toContain(deployment.id)
    const run = await submit(deployment.id, { '1.width': 80 })
    const done = await until(run, (r) => r.status === 'succeeded' && r.outputs === 'saved')
    expect(done.outputCount).toBe(1)
    expect(done.cost).toMatchObject({ usd: 0, gpu: expect.any(String) })
    expect(done.cost!.gpuSeconds).toBeGreaterThan(0)
    const [file] = await savedFiles(run.id)
    const text = readImageMetadata(file!.bytes)?.text ?? {}
    expect(JSON.parse(text.prompt!)['1'].inputs.width).toBe(80)
    expect(text['comfy-courier']).toBeDefined()
    // Live status came over the socket: hints the ledger applied, the node names in them.
    const live = t.seen.flatMap((e) => (e.type === 'run.updated' && e.run.id === run.id ? [e.run.liveStatus] : []))
    expect(live.some((s) => s !== null && /Running .*\(node \d\)/.test(s))).toBe(true)
    const progress = t.seen.flatMap((e) => (e.type === 'run.updated' && e.run.id === run.id ? [e.run.progress] : []))
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true)
    const hooks = (await t.call('webhooks.list', {})).filter((h) => h.runId === run.id)
    expect(hooks.map((h) => h.status)).toEqual(expect.arrayContaining(['execution_start', 'executing', 'execution_success']))
  })

  it('converts a UI-format workflow (Reroute, Note, muted node, PrimitiveNode) and runs it, the graph kept in the file', async () => {
    await core()
    const deployment = await add('From the editor', UI_WORKFLOW)
    expect(deployment.description).toMatch(/UI format/)
    const run = await submit(deployment.id, { '1.width': 120 })
    await until(run, (r) => r.status === 'succeeded' && r.outputs === 'saved')
    const [file] = await savedFiles(run.id)
    const text = readImageMetadata(file!.bytes)?.text ?? {}
    const prompt = JSON.parse(text.prompt!) as Prompt
    expect(prompt['1']!.inputs).toEqual({ width: 120, height: 80, batch_size: 1, color: 16711680 })
    expect(prompt['2']!.inputs).toEqual({ image: ['1', 0], blur_radius: 2, sigma: 1.5 })
    expect(Object.keys(prompt).sort()).toEqual(['1', '2', '4'])
    const graph = JSON.parse(text.workflow!) as { nodes: { id: number; widgets_values?: unknown[] }[] }
    expect(graph.nodes).toHaveLength(7)
    expect(graph.nodes.find((n) => n.id === 1)?.widgets_values).toEqual([120, 80, 1, 16711680])
    expect(file!.output.width).toBe(120)
  })

  it('shows a prompt refused at validation (node_errors) on the right field', async () => {
    await core()
    const deployment = await add('Too blurry', BAD_VALUE)
    const result = await submitRaw(deployment.id)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error).toMatchObject({ code: 'BAD_INPUT', field: '2.blur_radius' })
    expect(result.error.message).toMatch(/node 2.*blur_radius.*bigger than max/i)
  })

  it('shows an execution_error with the node’s name', async () => {
    await core()
    const deployment = await add('Fails', FAILS_RUNNING)
    const run = await submit(deployment.id)
    const failed = await until(run, (r) => r.status === 'failed')
    expect(failed.error?.code).toBe('RUN_FAILED')
    expect(failed.error?.message).toMatch(/Save outside \(node 3\) failed.*outside the output folder/s)
  })

  it('cancels a run while queued (deleted from /queue) and one while running (/interrupt)', async () => {
    await core()
    const slow = await add('Slow', target.slow())
    const first = await submit(slow.id)
    const second = await submit(slow.id)
    await until(first, (r) => r.status === 'running')
    const queued = await t.waitForRun(second.id, (r) => r.liveStatus !== null && /queue: 1 ahead/.test(r.liveStatus), target.runTimeoutMs)
    expect(queued.status).toBe('queued')
    expect((await t.call('runs.cancel', { id: second.id })).status).toBe('cancelled')
    await t.call('runs.cancel', { id: first.id })
    const stopped = await until(first, (r) => r.status === 'cancelled')
    expect(stopped.outputCount).toBe(0)
  })

  it('finishes a run whose socket was cut mid-run, by polling /history', async () => {
    await core()
    const slow = await add('Slow', target.slow())
    const run = await submit(slow.id)
    await until(run, (r) => r.status === 'running')
    expect(proxy.killSockets()).toBeGreaterThan(0)
    const done = await until(run, (r) => r.status === 'succeeded' && r.outputs === 'saved')
    expect(done.polling).toBe(true)
    expect(done.outputCount).toBe(1)
  })

  it('loses nothing across an app restart: a run sent before it finishes after, by polling', async () => {
    await core()
    const slow = await add('Slow', target.slow())
    const run = await submit(slow.id)
    await until(run, (r) => r.status === 'running')
    const again = await t.restart()
    cores.push(again)
    t = again
    const done = await until(run, (r) => r.status === 'succeeded' && r.outputs === 'saved')
    expect(done.outputCount).toBe(1)
  })

  it('imports a workflow saved on the server (/api/userdata?dir=workflows)', async () => {
    await core()
    const file = `courier-test-${Date.now()}.json`
    await target.saveWorkflow(file, UI_WORKFLOW)
    expect(await t.call('comfyui.savedWorkflows', {})).toContain(file)
    const deployment = await t.call('deployments.add', { provider: 'comfyui', name: 'Saved one', savedWorkflow: file })
    expect(deployment.inputs.map((f) => f.id)).toContain('1.width')
    const missing = await t.core.call('deployments.add', { provider: 'comfyui', name: 'x', savedWorkflow: 'no-such.json' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('uploads an image for a LoadImage input (/upload/image) and runs with it', async () => {
    await core()
    const deployment = await add('Invert', WITH_IMAGE)
    expect(deployment.inputs.find((f) => f.id === '1.image')).toMatchObject({ kind: 'image' })
    const upload = await t.call('uploads.create', { provider: 'comfyui', fileName: 'grey.png', mime: 'image/png', dataBase64: PNG_4X4.toString('base64') })
    expect(upload.value).toMatch(/^courier_[0-9a-f]{16}\.png$/)
    const run = await submit(deployment.id, { '1.image': upload.value })
    const done = await until(run, (r) => r.status === 'succeeded' && r.outputs === 'saved')
    expect(done.outputCount).toBe(1)
  })

  it('refuses a workflow it cannot use, with the reason', async () => {
    await core()
    const refused = await t.core.call('deployments.add', { provider: 'comfyui', name: 'x', workflowJson: '{"1": {"class_type": "NoSuchNode", "inputs": {}}}' })
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/NoSuchNode.*not installed/) } })
    const notJson = await t.core.call('deployments.add', { provider: 'comfyui', name: 'x', workflowJson: 'nope' })
    expect(notJson).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/not JSON/) } })
    const noOutput = await t.core.call('deployments.add', { provider: 'comfyui', name: 'x', workflowJson: JSON.stringify({ '1': SIMPLE['1'] }) })
    expect(noOutput).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no output node/) } })
  })
}
