import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { Duplex } from 'node:stream'
import { crc32 } from 'node:zlib'
import { WebSocketServer, type WebSocket } from 'ws'
import { encodePng } from '../media/png'
import { boundaryOf, parseMultipart } from '../media/multipart'
import { SIM_OBJECT_INFO, type SimNodeInfo } from './object-info'

/**
 * A ComfyUI-compatible server (HTTP + WebSocket) for CI and the Demo, answering as ComfyUI 0.8.0 does
 * (server.py, execution.py): the same routes, refusal bodies (`error` + `node_errors`), socket messages and
 * `/history` entries, recorded from the real server in `test/contract/fixtures/comfyui/`. It runs a small
 * set of nodes for real (EmptyImage, ImageBlur, ImageScale, ImageInvert, SaveImage, PreviewImage, LoadImage)
 * and pretends the model nodes (KSampler steps report progress). Not implemented: subgraphs, lists.
 */
export interface ComfySimOptions {
  port?: number
  host?: string
  /** How long each node takes (ms); KSampler takes this per step. Mutable through `sim.nodeMs`. */
  nodeMs?: number
  /** When set, every request needs `Authorization: Bearer <token>` (ComfyUI behind a reverse proxy). */
  token?: string
}

type Obj = Record<string, unknown>
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value)
type Prompt = Record<string, { class_type: string; inputs: Obj; _meta?: unknown }>

interface QueueItem {
  number: number
  id: string
  prompt: Prompt
  extra: Obj
  outputs: string[]
}

interface HistoryEntry {
  prompt: [number, string, Prompt, Obj, string[]]
  outputs: Record<string, Obj>
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, Obj][] }
  meta: Record<string, Obj>
}

interface Image {
  width: number
  height: number
  rgb: [number, number, number]
}

export interface ComfySim {
  readonly url: string
  nodeMs: number
  /** Saved workflows served by `/api/userdata?dir=workflows`, by file name. */
  readonly savedWorkflows: Map<string, string>
  /** Drops every open socket (as a network failure would). */
  killSockets(): void
  /** Prompts POSTed so far, newest last (tests read what was sent). */
  readonly received: { prompt: Prompt; extra: Obj; clientId: string | null }[]
  close(): Promise<void>
}

const SENSITIVE = ['api_key_comfy_org', 'auth_token_comfy_org']

function validationError(type: string, message: string, details: string, extra: Obj = {}) {
  return { type, message, details, extra_info: extra }
}

export async function startComfySim(options: ComfySimOptions = {}): Promise<ComfySim> {
  const sockets = new Map<string, WebSocket>()
  const pending: QueueItem[] = []
  let running: QueueItem | null = null
  let interruptRequested = false
  const history = new Map<string, HistoryEntry>()
  const files = new Map<string, Buffer>() // `${type}/${subfolder}/${filename}`
  const counters = new Map<string, number>()
  const savedWorkflows = new Map<string, string>()
  const received: ComfySim['received'] = []
  let number = 0
  let closed = false
  const wss = new WebSocketServer({ noServer: true })

  const send = (type: string, data: Obj, sid: string | null) => {
    const text = JSON.stringify({ type, data })
    const targets = sid === null ? [...sockets.values()] : [sockets.get(sid)].filter((s): s is WebSocket => s !== undefined)
    for (const ws of targets) if (ws.readyState === 1) ws.send(text)
  }
  const queueInfo = () => ({ exec_info: { queue_remaining: pending.length + (running ? 1 : 0) } })
  const broadcastStatus = () => send('status', { status: queueInfo() }, null)

  // ── validation (execution.py validate_prompt / validate_inputs) ───────────────────────────────────
  function validate(prompt: Prompt): { ok: true; outputs: string[] } | { ok: false; body: Obj } {
    for (const [id, node] of Object.entries(prompt)) {
      if (!isObj(node) || typeof node.class_type !== 'string') {
        return { ok: false, body: { error: validationError('invalid_prompt', 'Cannot execute because a node is missing the class_type property.', `Node ID '#${id}'`), node_errors: {} } }
      }
      if (!SIM_OBJECT_INFO[node.class_type]) {
        return { ok: false, body: { error: validationError('invalid_prompt', `Cannot execute because node ${node.class_type} does not exist.`, `Node ID '#${id}'`), node_errors: {} } }
      }
    }
    const outputs = Object.keys(prompt).filter((id) => SIM_OBJECT_INFO[prompt[id]!.class_type]!.output_node)
    if (outputs.length === 0) return { ok: false, body: { error: validationError('prompt_no_outputs', 'Prompt has no outputs', ''), node_errors: {} } }
    const nodeErrors: Record<string, { errors: Obj[]; dependent_outputs: string[]; class_type: string }> = {}
    const checked = new Map<string, Obj[]>()
    const failedUpstream = new Set<string>()
    const check = (id: string): Obj[] => {
      const known = checked.get(id)
      if (known) return known
      const errors: Obj[] = []
      checked.set(id, errors)
      const node = prompt[id]!
      const info = SIM_OBJECT_INFO[node.class_type]!
      const inputs = node.inputs ?? {}
      for (const group of ['required', 'optional'] as const) {
        for (const [name, spec] of Object.entries(info.input[group] ?? {})) {
          const value = inputs[name]
          const cfg = isObj(spec[1]) ? spec[1] : {}
          if (value === undefined) {
            if (group === 'required') errors.push(validationError('required_input_missing', 'Required input is missing', name, { input_name: name }))
            continue
          }
          if (Array.isArray(value)) {
            const from = String(value[0])
            if (!prompt[from]) {
              errors.push(validationError('bad_linked_input', 'Bad linked input, must be a length-2 list of [string, int]', name, { input_name: name, input_config: spec, received_value: value }))
              continue
            }
            // As execution.py: an invalid upstream node makes this one invalid without an error of its own.
            if (check(from).length > 0 || failedUpstream.has(from)) failedUpstream.add(id)
            continue
          }
          const extra = { input_name: name, input_config: spec, received_value: value }
          const type = spec[0]
          if (Array.isArray(type)) {
            if (name === 'image' && node.class_type === 'LoadImage') {
              if (typeof value !== 'string' || (!files.has(`input//${value}`) && !type.includes(value))) {
                errors.push(validationError('custom_validation_failed', 'Custom validation failed for node', `image - Invalid image file: ${String(value)}`, extra))
              }
            } else if (!type.includes(value)) {
              errors.push(validationError('value_not_in_list', 'Value not in list', `${name}: '${String(value)}' not in ${JSON.stringify(type).replace(/"/g, "'")}`, extra))
            }
            continue
          }
          if (type === 'INT' || type === 'FLOAT') {
            const num = Number(value)
            if (!Number.isFinite(num) || (type === 'INT' && !Number.isInteger(num))) {
              errors.push(validationError('invalid_input_type', `Failed to convert an input value to a ${type} value`, `${name}, ${String(value)}, invalid literal`, extra))
            } else if (typeof cfg.min === 'number' && num < cfg.min) {
              errors.push(validationError('value_smaller_than_min', `Value ${num} smaller than min of ${cfg.min}`, name, extra))
            } else if (typeof cfg.max === 'number' && num > cfg.max) {
              errors.push(validationError('value_bigger_than_max', `Value ${num} bigger than max of ${cfg.max}`, name, extra))
            }
          }
        }
      }
      return errors
    }
    const good: string[] = []
    for (const out of outputs) {
      const before = new Set(checked.keys())
      const errors = check(out)
      let failed = errors.length > 0 || failedUpstream.has(out)
      for (const [id, errs] of checked) {
        if (errs.length === 0 || (before.has(id) && id !== out)) continue
        failed = true
        const entry = (nodeErrors[id] ??= { errors: errs, dependent_outputs: [], class_type: prompt[id]!.class_type })
        if (!entry.dependent_outputs.includes(out)) entry.dependent_outputs.push(out)
      }
      if (!failed) good.push(out)
    }
    if (good.length === 0 || Object.keys(nodeErrors).length > 0) {
      // ComfyUI refuses when no output validates; when some do, it runs them and reports the rest.
      if (good.length === 0) return { ok: false, body: { error: validationError('prompt_outputs_failed_validation', 'Prompt outputs failed validation', ''), node_errors: nodeErrors } }
    }
    return { ok: true, outputs: good }
  }

  // ── execution ───────────────────────────────────────────────────────────────────────────────────
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  /** Nodes the outputs need, in an order that runs each after its inputs. */
  function order(prompt: Prompt, outputs: string[]): string[] {
    const seen = new Set<string>()
    const out: string[] = []
    const visit = (id: string) => {
      if (seen.has(id)) return
      seen.add(id)
      for (const value of Object.values(prompt[id]?.inputs ?? {})) if (Array.isArray(value)) visit(String(value[0]))
      out.push(id)
    }
    for (const id of outputs) visit(id)
    return out
  }

  function pngWith(image: Image, text: Record<string, string>): Buffer {
    const w = Math.max(1, Math.min(image.width, 512))
    const h = Math.max(1, Math.min(image.height, 512))
    const pixels = new Uint8Array(w * h * 3)
    for (let i = 0; i < w * h; i++) pixels.set(image.rgb, i * 3)
    const png = encodePng({ width: w, height: h, pixels })
    const chunks = Object.entries(text).map(([key, value]) => {
      const data = Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')])
      const out = Buffer.alloc(12 + data.length)
      out.writeUInt32BE(data.length, 0)
      out.write('tEXt', 4, 'latin1')
      data.copy(out, 8)
      out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
      return out
    })
    // After IHDR (8 + 25 bytes), as ComfyUI's PngInfo writes them.
    return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)])
  }

  class Interrupted extends Error {}
  class NodeFailure extends Error {
    constructor(
      message: string,
      readonly type = 'Exception',
    ) {
      super(message)
    }
  }

  async function runNode(item: QueueItem, id: string, values: Map<string, Image>, sid: string | null): Promise<Obj | null> {
    const node = item.prompt[id]!
    const inputs = node.inputs
    const input = (name: string): Image => {
      const link = inputs[name]
      return (Array.isArray(link) ? values.get(String(link[0])) : undefined) ?? { width: 64, height: 64, rgb: [0, 0, 0] }
    }
    const tick = async () => {
      await sleep(sim.nodeMs)
      if (interruptRequested) throw new Interrupted()
    }
    switch (node.class_type) {
      case 'EmptyImage': {
        await tick()
        const color = Number(inputs.color ?? 0)
        values.set(id, { width: Number(inputs.width), height: Number(inputs.height), rgb: [(color >> 16) & 255, (color >> 8) & 255, color & 255] })
        return null
      }
      case 'ImageBlur':
      case 'ImageInvert':
      case 'ImageScale': {
        await tick()
        const source = input('image')
        const rgb: [number, number, number] = node.class_type === 'ImageInvert' ? [255 - source.rgb[0], 255 - source.rgb[1], 255 - source.rgb[2]] : source.rgb
        const size = node.class_type === 'ImageScale' ? { width: Number(inputs.width) || source.width, height: Number(inputs.height) || source.height } : source
        values.set(id, { width: size.width, height: size.height, rgb })
        return null
      }
      case 'LoadImage': {
        await tick()
        values.set(id, { width: 64, height: 64, rgb: [128, 128, 128] })
        return null
      }
      case 'KSampler': {
        const steps = Math.max(1, Number(inputs.steps ?? 1))
        for (let step = 1; step <= steps; step++) {
          await tick()
          send('progress', { value: step, max: steps, prompt_id: item.id, node: id }, sid)
        }
        return null
      }
      case 'SaveImage':
      case 'PreviewImage': {
        await tick()
        const prefix = String(inputs.filename_prefix ?? 'ComfyUI')
        if (node.class_type === 'SaveImage' && (prefix.includes('..') || prefix.startsWith('/'))) {
          throw new NodeFailure(
            `**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: /sim\n         output_dir: /sim/output\n         commonpath: /sim\n`,
          )
        }
        const type = node.class_type === 'SaveImage' ? 'output' : 'temp'
        const base = node.class_type === 'SaveImage' ? prefix : `ComfyUI_temp_${randomUUID().slice(0, 5)}`
        const count = (counters.get(base) ?? 0) + 1
        counters.set(base, count)
        const filename = `${base}_${String(count).padStart(5, '0')}_.png`
        const text: Record<string, string> = { prompt: JSON.stringify(item.prompt) }
        const pnginfo = isObj(item.extra.extra_pnginfo) ? item.extra.extra_pnginfo : {}
        for (const [key, value] of Object.entries(pnginfo)) text[key] = JSON.stringify(value)
        files.set(`${type}//${filename}`, pngWith(input('images'), text))
        return { images: [{ filename, subfolder: '', type }] }
      }
      default:
        await tick() // model nodes: nothing to compute here
        return null
    }
  }

  async function execute(item: QueueItem): Promise<void> {
    const sid = typeof item.extra.client_id === 'string' ? item.extra.client_id : null
    const messages: [string, Obj][] = []
    const record = (type: string, data: Obj) => {
      messages.push([type, data])
      send(type, data, sid)
    }
    const outputs: Record<string, Obj> = {}
    const meta: Record<string, Obj> = {}
    const executed: string[] = []
    let current: string | null = null
    let status: 'success' | 'error' = 'success'
    record('execution_start', { prompt_id: item.id, timestamp: Date.now() })
    record('execution_cached', { nodes: [], prompt_id: item.id, timestamp: Date.now() })
    const values = new Map<string, Image>()
    try {
      for (const id of order(item.prompt, item.outputs)) {
        current = id
        send('executing', { node: id, display_node: id, prompt_id: item.id }, sid)
        const output = await runNode(item, id, values, sid)
        executed.push(id)
        if (output) {
          outputs[id] = output
          meta[id] = { node_id: id, display_node: id, parent_node: null, real_node_id: id }
          send('executed', { node: id, display_node: id, output, prompt_id: item.id }, sid)
        }
      }
      record('execution_success', { prompt_id: item.id, timestamp: Date.now() })
    } catch (error) {
      status = 'error'
      const node = current ? item.prompt[current] : undefined
      if (error instanceof Interrupted) {
        record('execution_interrupted', { prompt_id: item.id, node_id: current, node_type: node?.class_type, executed, timestamp: Date.now() })
      } else {
        const failure = error instanceof NodeFailure ? error : new NodeFailure(String(error))
        record('execution_error', {
          prompt_id: item.id,
          node_id: current,
          node_type: node?.class_type,
          executed,
          exception_message: failure.message,
          exception_type: failure.type,
          traceback: ['  File "execution.py", line 518, in execute\n'],
          // execution.py sends each input as a list of its values' repr, hidden ones too, and the ids of the cached outputs.
          current_inputs: Object.fromEntries(
            [...Object.entries(node?.inputs ?? {}), ...(node?.class_type === 'SaveImage' ? ([['prompt', item.prompt], ['extra_pnginfo', null]] as const) : [])].map(
              ([name, value]) => [name, [value === null ? null : typeof value === 'string' ? value : JSON.stringify(value)]],
            ),
          ),
          current_outputs: [...executed],
          timestamp: Date.now(),
        })
      }
    }
    history.set(item.id, {
      prompt: [item.number, item.id, item.prompt, item.extra, item.outputs],
      outputs,
      status: { status_str: status, completed: status === 'success', messages },
      meta,
    })
  }

  async function worker(): Promise<void> {
    while (!closed) {
      const next = pending.sort((a, b) => a.number - b.number).shift()
      if (!next) {
        await sleep(10)
        continue
      }
      running = next
      interruptRequested = false
      broadcastStatus()
      await execute(next)
      running = null
      broadcastStatus()
      send('executing', { node: null, prompt_id: next.id }, typeof next.extra.client_id === 'string' ? next.extra.client_id : null)
    }
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────────
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }
  const text = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
    res.end(body)
  }
  const readBody = (req: http.IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => resolve(Buffer.concat(chunks)))
      req.on('error', reject)
    })
  const readJson = async (req: http.IncomingMessage): Promise<Obj> => {
    try {
      const value: unknown = JSON.parse((await readBody(req)).toString('utf8') || '{}')
      return isObj(value) ? value : {}
    } catch {
      return {}
    }
  }
  const stripSensitive = (item: QueueItem) => [item.number, item.id, item.prompt, item.extra, item.outputs]
  const authorized = (req: http.IncomingMessage) => !options.token || req.headers.authorization === `Bearer ${options.token}`

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim')
    const path = url.pathname.replace(/^\/api(?=\/(?!userdata|jobs))/, '')
    if (!authorized(req)) return text(res, 401, '401: Unauthorized')
    if (req.method === 'GET' && path === '/system_stats') {
      return json(res, 200, {
        system: {
          os: 'linux',
          ram_total: 17179869184,
          ram_free: 8589934592,
          comfyui_version: '0.8.0',
          required_frontend_version: '1.35.9',
          installed_templates_version: null,
          required_templates_version: '0.7.67',
          python_version: '3.11.7 (simulated)',
          pytorch_version: '2.13.0+cpu',
          embedded_python: false,
          argv: ['main.py'],
        },
        devices: [{ name: 'cpu', type: 'cpu', index: null, vram_total: 17179869184, vram_free: 8589934592, torch_vram_total: 17179869184, torch_vram_free: 8589934592 }],
      })
    }
    if (req.method === 'GET' && path === '/object_info') return json(res, 200, SIM_OBJECT_INFO)
    if (req.method === 'GET' && path.startsWith('/object_info/')) {
      const name = decodeURIComponent(path.slice('/object_info/'.length))
      const info: SimNodeInfo | undefined = SIM_OBJECT_INFO[name]
      return json(res, 200, info ? { [name]: info } : {})
    }
    if (req.method === 'GET' && path === '/prompt') return json(res, 200, queueInfo())
    if (req.method === 'POST' && path === '/prompt') {
      const body = await readJson(req)
      const prompt = body.prompt
      if (!isObj(prompt)) return json(res, 400, { error: validationError('no_prompt', 'No prompt provided', 'No prompt provided'), node_errors: {} })
      const id = typeof body.prompt_id === 'string' ? body.prompt_id : randomUUID()
      const valid = validate(prompt as Prompt)
      const extra: Obj = isObj(body.extra_data) ? { ...body.extra_data } : {}
      if (typeof body.client_id === 'string') extra.client_id = body.client_id
      received.push({ prompt: prompt as Prompt, extra, clientId: typeof body.client_id === 'string' ? body.client_id : null })
      if (!valid.ok) return json(res, 400, valid.body)
      for (const key of SENSITIVE) delete extra[key]
      extra.create_time = Date.now()
      const item: QueueItem = { number: number++, id, prompt: prompt as Prompt, extra, outputs: valid.outputs }
      pending.push(item)
      broadcastStatus()
      return json(res, 200, { prompt_id: id, number: item.number, node_errors: {} })
    }
    if (req.method === 'GET' && path === '/queue') return json(res, 200, { queue_running: running ? [stripSensitive(running)] : [], queue_pending: pending.map(stripSensitive) })
    if (req.method === 'POST' && path === '/queue') {
      const body = await readJson(req)
      if (body.clear === true) pending.length = 0
      if (Array.isArray(body.delete)) {
        for (const id of body.delete) {
          const at = pending.findIndex((item) => item.id === id)
          if (at >= 0) pending.splice(at, 1)
        }
      }
      broadcastStatus()
      res.writeHead(200)
      return void res.end()
    }
    if (req.method === 'POST' && path === '/interrupt') {
      const body = await readJson(req)
      if (typeof body.prompt_id !== 'string' || running?.id === body.prompt_id) interruptRequested = running !== null
      res.writeHead(200)
      return void res.end()
    }
    if (req.method === 'GET' && path === '/history') return json(res, 200, Object.fromEntries(history))
    if (req.method === 'GET' && path.startsWith('/history/')) {
      const id = decodeURIComponent(path.slice('/history/'.length))
      const entry = history.get(id)
      return json(res, 200, entry ? { [id]: entry } : {})
    }
    if (req.method === 'GET' && path === '/view') {
      const filename = url.searchParams.get('filename') ?? ''
      const type = url.searchParams.get('type') || 'output'
      const subfolder = url.searchParams.get('subfolder') ?? ''
      if (filename.includes('..') || filename.startsWith('/') || subfolder.includes('..')) return text(res, 400, '400: Bad Request')
      const bytes = files.get(`${type}/${subfolder}/${filename}`)
      if (!bytes) return text(res, 404, '404: Not Found')
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length, 'content-disposition': `filename="${filename}"` })
      return void res.end(bytes)
    }
    if (req.method === 'POST' && path === '/upload/image') {
      const boundary = boundaryOf(req.headers['content-type'])
      if (!boundary) return text(res, 400, '400: Bad Request')
      const parts = parseMultipart(await readBody(req), boundary)
      const image = parts.find((part) => part.name === 'image' && part.filename)
      if (!image?.filename) return text(res, 400, '400: Bad Request')
      const field = (name: string) => parts.find((part) => part.name === name)?.data.toString('utf8')
      const subfolder = field('subfolder') ?? ''
      const type = field('type') || 'input'
      let name = image.filename.replace(/^.*[\\/]/, '')
      const overwrite = field('overwrite') === 'true' || field('overwrite') === '1'
      const key = (n: string) => `${type}/${subfolder}/${n}`
      if (!overwrite) {
        const stem = name.replace(/\.[^.]*$/, '')
        const ext = name.slice(stem.length)
        for (let i = 1; files.has(key(name)) && !files.get(key(name))!.equals(image.data); i++) name = `${stem} (${i})${ext}`
      }
      files.set(key(name), image.data)
      return json(res, 200, { name, subfolder, type })
    }
    if (req.method === 'GET' && path === '/api/userdata') {
      if (url.searchParams.get('dir') !== 'workflows' || savedWorkflows.size === 0) return text(res, 404, 'Directory not found')
      return json(res, 200, [...savedWorkflows.keys()])
    }
    if (req.method === 'GET' && path.startsWith('/api/userdata/')) {
      const file = decodeURIComponent(path.slice('/api/userdata/'.length))
      const content = file.startsWith('workflows/') ? savedWorkflows.get(file.slice('workflows/'.length)) : undefined
      if (content === undefined) return text(res, 404, '404: Not Found')
      res.writeHead(200, { 'content-type': 'application/json' })
      return void res.end(content)
    }
    return text(res, 404, '404: Not Found')
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) text(res, 500, `500: ${String(error)}`)
      else res.destroy()
    })
  })
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://sim')
    if (url.pathname !== '/ws' || !authorized(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const sid = url.searchParams.get('clientId') || randomUUID().replace(/-/g, '')
      sockets.get(sid)?.terminate()
      sockets.set(sid, ws)
      ws.on('close', () => {
        if (sockets.get(sid) === ws) sockets.delete(sid)
      })
      ws.send(JSON.stringify({ type: 'status', data: { status: queueInfo(), sid } }))
      if (running && running.extra.client_id === sid) ws.send(JSON.stringify({ type: 'executing', data: { node: null } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  const sim: ComfySim = {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    nodeMs: options.nodeMs ?? 60,
    savedWorkflows,
    received,
    killSockets: () => {
      for (const ws of sockets.values()) ws.terminate()
    },
    close: async () => {
      closed = true
      interruptRequested = true
      for (const ws of sockets.values()) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  void worker()
  return sim
}
