import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import PQueue from 'p-queue'
import sharp from 'sharp'
import { createCore } from '../src/main/core/create-core'
import { writeImageMetadata } from '../src/main/core/metadata/containers/image'
import { THUMBNAIL_SIZE } from '../src/main/core/library/thumbnails'
import type { CourierEvent } from '../src/shared/events'
import { renderPng } from '../src/sim/media/procedural-image'

const FILES = Number(process.env.BENCH_IMPORT_FILES ?? 5000)
/** ComfyUI's outputs are often 1024²; 512² keeps 5,000 files near a gigabyte on disk while the decode still counts. */
const SIDE = Number(process.env.BENCH_IMPORT_SIDE ?? 512)
const FIXTURE = join(process.cwd(), 'src', 'main', 'core', 'metadata', 'fixtures', 'comfyui-saveimage.png')

/**
 * A folder of FILES PNGs as ComfyUI's SaveImage leaves them: a picture, and its `prompt` and `workflow`
 * text chunks (the real ones of a ComfyUI 0.8.0 fixture, each file's seed and prompt its own, so every file
 * has its own hash and search words). Eight pictures, reused: decoding is the same work whatever the pixels.
 */
async function makeFolder(folder: string): Promise<void> {
  const comfy = await readFile(FIXTURE)
  const { readImageMetadata } = await import('../src/main/core/metadata/containers/image')
  const raw = readImageMetadata(comfy)!
  const graph = JSON.parse(raw.text.prompt!) as Record<string, { class_type: string; inputs: Record<string, unknown> }>
  const pictures = Array.from({ length: 8 }, (_, i) => renderPng({ key: `import-bench-${i}`, width: SIDE, height: SIDE, detail: 12 }))
  const words = ['lighthouse', 'fox', 'harbour', 'orchid', 'glacier', 'tram', 'owl', 'canyon']
  for (let i = 0; i < FILES; i++) {
    for (const node of Object.values(graph)) {
      if ('seed' in node.inputs) node.inputs.seed = i
      if (node.class_type === 'CLIPTextEncode' && typeof node.inputs.text === 'string' && !/blurry/.test(node.inputs.text)) {
        node.inputs.text = `a ${words[i % words.length]} number ${i}, golden hour`
      }
    }
    const png = writeImageMetadata(pictures[i % pictures.length]!, { text: { prompt: JSON.stringify(graph), workflow: raw.text.workflow! }, userComment: null, xmp: {} })
    const sub = join(folder, `batch-${Math.floor(i / 500)}`)
    if (i % 500 === 0) await mkdir(sub, { recursive: true })
    await writeFile(join(sub, `ComfyUI_${String(i).padStart(5, '0')}_.png`), png)
  }
}

/** The peer: only what every import must do for a picture, its thumbnail, made as the app makes it (sharp, one at a time). */
async function thumbnailsOnly(folder: string, out: string): Promise<number> {
  const queue = new PQueue({ concurrency: 1 })
  const started = performance.now()
  for (let i = 0; i < FILES; i++) {
    const file = join(folder, `batch-${Math.floor(i / 500)}`, `ComfyUI_${String(i).padStart(5, '0')}_.png`)
    void queue.add(() =>
      sharp(file)
        .rotate()
        .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 72 })
        .toFile(join(out, `${i}.webp`)),
    )
  }
  await queue.onIdle()
  return (performance.now() - started) / 1000
}

/** Ours: `library.import` on a running core, to its `done` event (hash, metadata, probe, row and search entry, thumbnail). */
async function importOnce(folder: string, dataDir: string): Promise<{ seconds: number; added: number; failed: number; rssPeakMb: number }> {
  const core = createCore({ dataDir, mode: 'web', flags: { 'library-dir': join(dataDir, 'library'), tunnel: 'off' }, env: {}, logSink: () => {} })
  await core.start()
  let rssPeak = process.memoryUsage().rss
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100)
  try {
    const started = performance.now()
    const done = new Promise<Extract<CourierEvent, { type: 'library.importing' }>['progress']>((resolve) => {
      core.events.subscribe((event) => {
        if (event.type === 'library.importing' && event.progress.state !== 'scanning') resolve(event.progress)
      })
    })
    const answer = await core.call('library.import', { folder })
    if (!answer.ok) throw new Error(`library.import refused: ${answer.error.message}`)
    const end = await done
    if (end.state !== 'done') throw new Error(`the import ended ${end.state}: ${end.message ?? ''}`)
    return { seconds: (performance.now() - started) / 1000, added: end.added, failed: end.failed, rssPeakMb: rssPeak / 1024 / 1024 }
  } finally {
    clearInterval(sampler)
    await core.stop()
  }
}

export async function benchImport(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'courier-bench-import-'))
  try {
    const folder = join(dir, 'ComfyUI', 'output')
    await makeFolder(folder)
    const peerOut = join(dir, 'peer-thumbnails')
    await mkdir(peerOut)
    // Peer first and last, ours between: a cache warmed by one helps the next alike.
    const peerBefore = await thumbnailsOnly(folder, peerOut)
    const ours = await importOnce(folder, join(dir, 'data'))
    await rm(peerOut, { recursive: true, force: true })
    await mkdir(peerOut)
    const peerAfter = await thumbnailsOnly(folder, peerOut)
    const peer = Math.min(peerBefore, peerAfter)
    console.log(`import of ${FILES} ComfyUI PNGs (${SIDE}×${SIDE}, prompt and workflow chunks) from one folder:`)
    console.log(`  ours (library.import: walk, SHA-256, metadata, probe, row + search entry, thumbnail): ${ours.seconds.toFixed(1)} s, ${(FILES / ours.seconds).toFixed(0)} files/s; ${ours.added} added, ${ours.failed} failed`)
    console.log(`  peer (sharp thumbnails only, as the app makes them): ${peer.toFixed(1)} s, ${(FILES / peer).toFixed(0)} files/s  [${peerBefore.toFixed(1)}, ${peerAfter.toFixed(1)}]`)
    console.log(`  ratio ours/peer (throughput): ${(peer / ours.seconds).toFixed(2)}×  (goal ≥ 0.7×)`)
    console.log(`  peak RSS of this process during ours: ${ours.rssPeakMb.toFixed(0)} MB; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
