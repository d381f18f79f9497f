import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startComfySim, type ComfySim } from '../../src/sim/comfyui/comfyui-sim'

/**
 * The simulator against traffic recorded from the real ComfyUI 0.8.0 (`scripts/record-comfyui.mjs`, the
 * same requests): every answer must have the recorded shape (keys and value types; ids and node ids read
 * as "any key"), and the refusals ComfyUI's own words.
 */
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, 'fixtures/comfyui', `${name}.json`), 'utf8')) as { status: number; body: unknown }

const dynamicKey = (key: string) => /^\d+$/.test(key) || /^[0-9a-f-]{36}$/.test(key)

/**
 * A value's shape: types for leaves, keys for objects (dynamic keys merged as "*"), tuples by position; an
 * empty list is "list" (it matches any list: the real run had nothing there, ours something, or the other way).
 */
function shape(value: unknown): unknown {
  if (value === null) return 'null'
  if (Array.isArray(value)) return value.length === 0 ? 'list' : value.length <= 6 && value.some((v) => typeof v !== typeof value[0]) ? value.map(shape) : [shape(value[0])]
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length > 0 && entries.every(([key]) => dynamicKey(key))) return { '*': shape(entries[0]![1]) }
    return Object.fromEntries(entries.map(([key, v]) => [key, shape(v)]).sort(([a], [b]) => String(a).localeCompare(String(b))))
  }
  return typeof value
}

/** Paths where two shapes differ ("list" matching any list). */
function differences(a: unknown, b: unknown, path = '$'): string[] {
  if ((a === 'list' && Array.isArray(b)) || (b === 'list' && Array.isArray(a))) return []
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} vs ${b.length} items`]
    return a.flatMap((item, i) => differences(item, b[i], `${path}[${i}]`))
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].flatMap((key) => differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`))
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`]
}

const GOOD = {
  1: { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 255 } },
  2: { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 3, sigma: 1 } },
  3: { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'rec' } },
}

describe('the ComfyUI simulator answers as the real server did', () => {
  let sim: ComfySim
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await fetch(sim.url + path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // plain text, as ComfyUI answers some errors
    }
    return { status: response.status, body: parsed }
  }
  const same = (actual: { status: number; body: unknown }, name: string) => {
    const recorded = fixture(name)
    expect(actual.status, name).toBe(recorded.status)
    expect(differences(shape(actual.body), shape(recorded.body)), name).toEqual([])
  }
  const waitHistory = async (id: string) => {
    for (let i = 0; i < 200; i++) {
      const history = await call('GET', `/history/${id}`)
      if (Object.keys(history.body as object).length > 0) return history
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new Error('no history')
  }

  beforeAll(async () => {
    sim = await startComfySim({ nodeMs: 5 })
  })
  afterAll(() => sim.close())

  it('system_stats, queue, unknown history, missing saved workflows', async () => {
    const stats = await call('GET', '/system_stats')
    same(stats, 'system_stats')
    same(await call('GET', '/queue'), 'queue_empty')
    same(await call('GET', '/history/nope'), 'history_unknown')
    const userdata = await call('GET', '/api/userdata?dir=workflows')
    expect(userdata).toEqual(fixture('userdata_missing'))
  })

  it('object_info for the nodes it runs is the recorded one', async () => {
    const info = (await call('GET', '/object_info')).body as Record<string, { input: unknown; input_order: unknown; output_node: boolean }>
    const recorded = fixture('object_info') as unknown as Record<string, { input: { required: Record<string, unknown[]> }; input_order: unknown; output_node: boolean }>
    for (const name of ['EmptyImage', 'ImageBlur', 'ImageScale', 'SaveImage', 'PreviewImage', 'KSampler']) {
      expect(info[name]!.input_order, name).toEqual(recorded[name]!.input_order)
      expect(info[name]!.output_node, name).toBe(recorded[name]!.output_node)
      expect(Object.keys((info[name]!.input as { required: object }).required), name).toEqual(Object.keys(recorded[name]!.input.required))
    }
  })

  it('refusals: the same bodies, word for word', async () => {
    for (const [name, body] of [
      ['prompt_node_errors', { prompt: { ...GOOD, 1: { class_type: 'EmptyImage', inputs: { width: 0, height: 64, batch_size: 1, color: 0 } } } }],
      ['prompt_no_outputs', { prompt: { 1: GOOD[1] } }],
      ['prompt_bad_class', { prompt: { 1: { class_type: 'NoSuchNode', inputs: {} } } }],
      ['prompt_missing', {}],
    ] as const) {
      const answer = await call('POST', '/prompt', body)
      same(answer, name)
      const recorded = fixture(name).body as { error: unknown; node_errors: unknown }
      expect((answer.body as { error: unknown }).error).toEqual(recorded.error)
      if (name === 'prompt_node_errors') expect((answer.body as { node_errors: unknown }).node_errors).toEqual(recorded.node_errors)
    }
  })

  it('a run: the answer, the socket messages, history of a success and of an execution error, an upload', async () => {
    const messages: { type: string; data: unknown }[] = []
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ws?clientId=recorder`)
    ws.on('message', (data, binary) => {
      if (!binary) messages.push(JSON.parse(String(data)) as { type: string; data: unknown })
    })
    await new Promise<void>((resolve) => ws.once('open', resolve))
    const ok = await call('POST', '/prompt', { prompt: GOOD, client_id: 'recorder', extra_data: { extra_pnginfo: { workflow: { nodes: [] } } } })
    same(ok, 'prompt_ok')
    same(await waitHistory((ok.body as { prompt_id: string }).prompt_id), 'history_success')
    const bad = await call('POST', '/prompt', { prompt: { ...GOOD, 3: { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: '../../escape' } } }, client_id: 'recorder' })
    const failed = await waitHistory((bad.body as { prompt_id: string }).prompt_id)
    same(failed, 'history_error')
    await new Promise((resolve) => setTimeout(resolve, 100))
    ws.close()
    // Every kind of message the real server sent (but its progress_state, which we do not read), shaped alike.
    const recorded = fixture('ws_messages') as unknown as { type: string; data: unknown }[]
    const byType = (list: { type: string; data: unknown }[]) => {
      const found = new Map<string, unknown>()
      for (const m of list) if (!found.has(m.type) && m.type !== 'progress_state') found.set(m.type, shape(m.data))
      return found
    }
    const ours = byType(messages)
    for (const [type, recordedShape] of byType(recorded)) {
      expect(ours.has(type), type).toBe(true)
      if (type !== 'status' && type !== 'executing') expect(differences(ours.get(type), recordedShape), type).toEqual([])
    }
    const form = new FormData()
    form.append('image', new Blob([Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64')], { type: 'image/png' }), 'rec.png')
    const upload = await fetch(`${sim.url}/upload/image`, { method: 'POST', body: form })
    same({ status: upload.status, body: await upload.json() }, 'upload_image')
  })
})
