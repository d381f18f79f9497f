// Records real ComfyUI traffic into test/contract/fixtures/comfyui/*.json (shapes for the simulator's contract test).
// Usage: node scripts/record-comfyui.mjs http://127.0.0.1:8288
import { writeFileSync } from 'node:fs'
import { WebSocket } from 'ws'
const base = process.argv[2] ?? 'http://127.0.0.1:8288'
const dir = new URL('../test/contract/fixtures/comfyui/', import.meta.url)
const save = (name, value) => writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(value, null, 2)}\n`)
const get = async (path) => { const r = await fetch(base + path); return { status: r.status, body: await r.text().then((t) => { try { return JSON.parse(t) } catch { return t } }) } }
const post = async (path, body) => { const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }); return { status: r.status, body: await r.text().then((t) => { try { return JSON.parse(t) } catch { return t } }) } }
const clientId = 'recorder' + Date.now()
const messages = []
const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?clientId=${clientId}`)
ws.on('message', (data, binary) => { if (!binary) messages.push(JSON.parse(String(data))) })
await new Promise((r) => ws.once('open', r))
const stats = await get('/system_stats'); stats.body.system.argv = ['main.py']; save('system_stats', stats)
const info = (await get('/object_info')).body
const keep = ['EmptyImage', 'SaveImage', 'ImageBlur', 'ImageScale', 'KSampler', 'CLIPTextEncode', 'LoadImage', 'PreviewImage', 'EmptyLatentImage', 'CheckpointLoaderSimple', 'VAEDecode', 'ImageInvert']
save('object_info', Object.fromEntries(keep.map((k) => [k, info[k]])))
const good = { 1: { class_type: 'EmptyImage', inputs: { width: 64, height: 64, batch_size: 1, color: 255 } }, 2: { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 3, sigma: 1 } }, 3: { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'rec' } } }
const ok = await post('/prompt', { prompt: good, client_id: clientId, extra_data: { extra_pnginfo: { workflow: { nodes: [] } } } })
save('prompt_ok', ok)
const wait = async (id) => { for (let i = 0; i < 300; i++) { const h = await get(`/history/${id}`); if (h.body[id]?.status?.completed !== undefined && (h.body[id].status.completed || h.body[id].status.status_str === 'error')) return h; await new Promise((r) => setTimeout(r, 100)) } }
save('history_success', await wait(ok.body.prompt_id))
save('prompt_node_errors', await post('/prompt', { prompt: { ...good, 1: { class_type: 'EmptyImage', inputs: { width: 0, height: 64, batch_size: 1, color: 0 } } }, client_id: clientId }))
save('prompt_no_outputs', await post('/prompt', { prompt: { 1: good[1] }, client_id: clientId }))
save('prompt_bad_class', await post('/prompt', { prompt: { 1: { class_type: 'NoSuchNode', inputs: {} } }, client_id: clientId }))
save('prompt_missing', await post('/prompt', { client_id: clientId }))
const bad = await post('/prompt', { prompt: { ...good, 3: { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: '../../escape' } } }, client_id: clientId })
save('history_error', await wait(bad.body.prompt_id))
save('queue_empty', await get('/queue'))
save('history_unknown', await get('/history/nope'))
const fd = new FormData(); fd.append('image', new Blob([Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64')], { type: 'image/png' }), 'rec.png')
const up = await fetch(base + '/upload/image', { method: 'POST', body: fd }); save('upload_image', { status: up.status, body: await up.json() })
save('userdata_missing', await get('/api/userdata?dir=workflows'))
await new Promise((r) => setTimeout(r, 300))
save('ws_messages', messages)
ws.close()
