import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { chromium, type Page } from '@playwright/test'
import { Thumbnails } from '../src/main/core/library/thumbnails'
import type { Logger } from '../src/main/core/log/logger'
import { openDatabase } from '../src/main/core/store/database'
import { ImportsRepo } from '../src/main/core/store/imports-repo'
import { OutputsRepo } from '../src/main/core/store/outputs-repo'
import { EventHub } from '../src/main/core/events/event-hub'
import { RunLedger } from '../src/main/core/runs/run-ledger'
import { startReadyProcess } from '../test/support/ready-process'
import type { RunId } from '../src/shared/run'
import { renderPng } from '../src/sim/media/procedural-image'

const OUTPUTS = Number(process.env.BENCH_GALLERY_OUTPUTS ?? 10_000)
/** The share of OUTPUTS seeded as imported files (issue 16 measures 100,000 with half imported). */
const IMPORTED = Math.min(1, Math.max(0, Number(process.env.BENCH_GALLERY_IMPORTED ?? 0)))
/** The gallery's count line for the whole library, as the page writes it. */
const ALL_COUNT = new RegExp(`^${OUTPUTS.toLocaleString('en')} outputs$`)
const LOADS = Number(process.env.BENCH_GALLERY_LOADS ?? 5)
const TOKEN = 'bench-token-0123456789abcdefghijkl'
const RENDERER = join(process.cwd(), 'out', 'renderer')
/** The built web host (`npm run web`'s entry), run as its own process so its memory is its own. */
const WEB_ENTRY = join(process.cwd(), 'out', 'main', 'web.js')
const CHROMIUM = process.env.COURIER_CHROMIUM ?? '/usr/bin/chromium'
const DAY = 86_400_000
const TRACE = process.env.BENCH_GALLERY_TRACE
/** The renderer's main-thread work, frames and paint: enough to tell script from style, layout, paint and raster. */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'blink', 'cc', 'gpu', 'toplevel', 'v8.execute']

/** Prompts made of these: every search word below matches a known share of the library. */
const SUBJECTS = ['lighthouse', 'fox', 'harbour', 'orchid', 'glacier', 'tram', 'owl', 'canyon', 'teapot', 'violin']
const MOODS = ['at dusk', 'in fog', 'under snow', 'at noon', 'by moonlight']
const STYLES = ['watercolor', 'pencil sketch', 'oil painting', 'studio photo', 'isometric render', 'ukiyo-e print', 'pixel art', 'film still']
/** Twelve words, each with a different first page, so the median of the searches is a steady figure. */
const SEARCHES = ['lighthouse', 'glacier', 'teapot', 'ukiyo', 'moonlight', 'fox', 'harbour', 'orchid', 'canyon', 'violin', 'watercolor', 'pixel']

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet }
const id = (prefix: string) => `${prefix}${randomBytes(9).toString('base64url')}`

/**
 * Seeds a data folder as if the app had saved OUTPUTS images over the last 60 days: runs and outputs
 * written with core's own repos (so the search index and every column are as the app writes them), the
 * files a handful of real small PNGs reused, each output with its thumbnail (the app makes one as it saves
 * a picture): made by the app's own code once per picture, then copied for the outputs that share it.
 */
async function seed(dataDir: string, libraryDir: string): Promise<void> {
  const files: Array<{ path: string; bytes: number; sha256: string }> = []
  for (let i = 0; i < 6; i++) {
    const png = renderPng({ key: `bench-${i}`, width: 384, height: 384, detail: 12 })
    const path = `bench/picture-${i}.png`
    await mkdir(join(libraryDir, 'bench'), { recursive: true })
    await writeFile(join(libraryDir, path), png)
    files.push({ path, bytes: png.length, sha256: createHash('sha256').update(png).digest('hex') })
  }
  const db = openDatabase(join(dataDir, 'courier.db'))
  const now = Date.now()
  let clock = now
  // Written through the ledger, the one writer of runs, on a clock set to each run's day.
  const runs = new RunLedger({ db, events: new EventHub(), now: () => clock })
  const outputs = new OutputsRepo(db)
  const made: Array<{ runId: RunId; at: number; file: (typeof files)[number] }> = []
  // Every second output (for half) is a file imported from a ComfyUI folder: no run, its prompt from its metadata.
  const imported = (i: number) => Math.floor((i + 1) * IMPORTED) > Math.floor(i * IMPORTED)
  const importRow = IMPORTED > 0 ? new ImportsRepo(db).upsert(libraryDir, false, now) : null
  const importedRows: Array<{ at: number; prompt: string; seed: number; file: (typeof files)[number] }> = []
  // The runs in one transaction; each output is its own (the repo saves it with its search entry atomically).
  runs.transaction((tx) => {
    for (let i = 0; i < OUTPUTS; i++) {
      const at = now - Math.floor((i / OUTPUTS) * 60 * DAY)
      clock = at
      const prompt = `${SUBJECTS[i % SUBJECTS.length]} ${MOODS[Math.floor(i / 10) % MOODS.length]}, ${STYLES[Math.floor(i / 50) % STYLES.length]}`
      if (imported(i)) {
        importedRows.push({ at, prompt, seed: i, file: files[i % files.length]! })
        continue
      }
      const runId = id('r_') as RunId
      runs.create({
        id: runId,
        provider: 'demo',
        deploymentId: i % 3 === 0 ? 'quick-sketch' : 'dreamscape',
        deploymentName: i % 3 === 0 ? 'Quick Sketch' : 'Dreamscape SDXL',
        inputs: { prompt, seed: i },
        hookToken: randomBytes(16).toString('base64url'),
        webhookBase: null,
        seedInput: 'seed',
        now: at,
      })
      tx.change(runId, { providerRunId: `bench-${i}` })
      tx.hint(runId, { status: 'succeeded', progress: 1, liveStatus: null })
      tx.change(runId, { outputs: 'saved' })
      made.push({ runId, at, file: files[i % files.length]! })
    }
  })
  for (const { runId, at, file } of made) {
    outputs.insert({
      id: id('o_'),
      runId,
      index: 0,
      root: libraryDir,
      path: file.path,
      kind: 'image',
      mime: 'image/png',
      bytes: file.bytes,
      sha256: file.sha256,
      width: 384,
      height: 384,
      createdAt: at,
    })
  }
  runs.transaction((tx) => made.forEach(({ runId }) => tx.change(runId, { recountOutputs: true })))
  for (const row of importedRows) {
    outputs.insertImported({
      id: id('o_'),
      importId: importRow!.id,
      root: libraryDir,
      path: row.file.path,
      kind: 'image',
      mime: 'image/png',
      bytes: row.file.bytes,
      sha256: row.file.sha256,
      width: 384,
      height: 384,
      durationMs: null,
      title: 'ComfyUI',
      prompt: row.prompt,
      seed: row.seed,
      mtime: row.at,
      createdAt: row.at,
    })
  }
  const thumbnails = new Thumbnails({ dir: join(dataDir, 'thumbnails'), outputs, log: quiet })
  const firstOf = new Map<string, string>()
  for (const output of outputs.list({ limit: OUTPUTS }) ?? []) {
    const made = firstOf.get(output.path)
    if (made === undefined) {
      if (!(await thumbnails.ensure(output.id))) throw new Error(`no thumbnail for ${output.path}`)
      firstOf.set(output.path, thumbnails.fileFor(output.id)!)
      continue
    }
    const file = thumbnails.fileFor(output.id)!
    await mkdir(dirname(file), { recursive: true })
    await copyFile(made, file)
    outputs.setThumbnail(output.id, 'ready')
  }
  await thumbnails.stop()
  db.close()
}

interface Marks {
  tiles?: number
  image?: number
}

/** Records, in the page's own clock (ms since navigation start), when the first tile and its first picture showed. */
function watchFirstTiles(): void {
  const w = window as unknown as { __marks: Marks }
  w.__marks = {}
  const check = () => {
    const tile = document.querySelector('.gallery [data-output-id]')
    if (tile && w.__marks.tiles === undefined) w.__marks.tiles = performance.now()
    const img = document.querySelector<HTMLImageElement>('.gallery [data-output-id] img')
    if (img && w.__marks.image === undefined) {
      const done = () => {
        if (w.__marks.image === undefined && img.naturalWidth > 0) w.__marks.image = performance.now()
      }
      if (img.complete) done()
      else img.addEventListener('load', done, { once: true })
    }
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true })
}

/** From the Enter key (or the last keystroke) in the search box to the filtered grid committed, then painted. */
async function timeSearch(page: Page, word: string, how: 'enter' | 'typing'): Promise<{ dom: number; painted: number }> {
  const box = page.getByRole('searchbox', { name: 'Search outputs' })
  await box.fill('')
  // The whole library is back in the grid (not a list still on its way) before the clock starts.
  await page.locator('.gallery-scroll[aria-busy="false"]').waitFor()
  await page.locator('.gallery-status__count', { hasText: ALL_COUNT }).waitFor()
  await page.evaluate(
    ({ word, how }) => {
      const w = window as unknown as { __search: Promise<{ dom: number; painted: number }> }
      const input = document.querySelector<HTMLInputElement>('input[type="search"]')!
      w.__search = new Promise((resolve) => {
        let start = 0
        const ready = () => {
          const first = document.querySelector<HTMLElement>('.gallery [data-output-id]')
          const settled = document.querySelector('.gallery-scroll')?.getAttribute('aria-busy') === 'false'
          return settled && /match/.test(document.querySelector('.gallery-status__count')?.textContent ?? '') && first?.getAttribute('aria-label')?.includes(word) === true
        }
        const observer = new MutationObserver(() => {
          if (start === 0 || !ready()) return
          observer.disconnect()
          const dom = performance.now() - start
          requestAnimationFrame(() => resolve({ dom, painted: performance.now() - start }))
        })
        observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
        const mark = (e: Event) => {
          start = e.timeStamp
        }
        if (how === 'enter') input.addEventListener('keydown', (e) => e.key === 'Enter' && mark(e), { capture: true })
        else input.addEventListener('input', mark, { capture: true })
      })
    },
    { word, how },
  )
  if (how === 'enter') {
    // Typed, then Enter before the pause in typing is over: the search runs at once.
    await box.evaluate((el: HTMLInputElement, value) => {
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
      set.call(el, value)
      el.dispatchEvent(new Event('input', { bubbles: true }))
    }, word)
    await box.press('Enter')
  } else {
    await box.pressSequentially(word)
  }
  return page.evaluate(() => (window as unknown as { __search: Promise<{ dom: number; painted: number }> }).__search)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const ms = (x: number) => `${x.toFixed(0)} ms`

/**
 * The gallery with OUTPUTS saved images, in Chromium against the real web host: time to the first tiles,
 * search to filtered result, the grid's DOM size at the top and deep in the list (virtualization), a fast
 * wheel scroll's frame times, and the way to the end through every page.
 */
export async function benchGallery(): Promise<void> {
  for (const built of [join(RENDERER, 'index.html'), WEB_ENTRY]) if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`)
  const dataDir = await mkdtemp(join(tmpdir(), 'courier-bench-gallery-'))
  const libraryDir = join(dataDir, 'library')
  const seeding = performance.now()
  await seed(dataDir, libraryDir)
  const seeded = performance.now() - seeding

  // Past the first-run welcome, which would otherwise cover the gallery; the host reads its token from the data folder.
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ onboarded: true }))
  await writeFile(join(dataDir, 'web-token'), TOKEN, { mode: 0o600 })
  // Core and the web host in a process of their own, as `npm run web` runs them: the seeding above and the
  // Playwright client below stay in this one, so the host's resident memory is measured alone.
  const host = await startReadyProcess<{ web: string }>(
    process.execPath,
    [WEB_ENTRY, '--data-dir', dataDir, '--library-dir', libraryDir, '--port', '0', '--tunnel', 'off'],
    { env: { COMFYDEPLOY_API_KEY: '', RUNCOMFY_API_KEY: '', COURIER_TUNNEL: '', COURIER_DATA_DIR: '', COURIER_LIBRARY_DIR: '' } },
  )
  const origin = new URL(host.ready.web).origin
  const pid = host.child.pid!
  /** The host's resident set now (VmRSS) and its high-water mark since it started (VmHWM), in bytes, from Linux's /proc. */
  const memory = () => {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  // The host's resident memory sampled through the whole browser phase; at the end, its high-water mark.
  const atStart = memory()
  let rssPeak = atStart.rss
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, memory().rss)), 100)
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
    // tsx (esbuild, keepNames) wraps the named functions inside the code sent to the page in `__name(…)`.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f' })
    await page.goto(`${origin}/?token=${TOKEN}`)
    await page.locator('[data-app-state="loaded"]').waitFor()
    await page.addInitScript(watchFirstTiles)

    // Time to first tiles: a fresh load of #/gallery, LOADS times (the first is cold: nothing in the browser cache).
    const tiles: number[] = []
    const images: number[] = []
    for (let i = 0; i < LOADS; i++) {
      await page.goto(`${origin}/?load=${i}#/gallery`)
      await page.waitForFunction(() => (window as unknown as { __marks: Marks }).__marks.image !== undefined, undefined, { timeout: 30_000 })
      const marks = await page.evaluate(() => (window as unknown as { __marks: Marks }).__marks)
      tiles.push(marks.tiles ?? NaN)
      images.push(marks.image ?? NaN)
    }
    await page.locator('.gallery-status__count', { hasText: ALL_COUNT }).waitFor()

    const dom = () =>
      page.evaluate(() => {
        const grid = document.querySelector('.gallery-scroll')!
        return {
          nodes: grid.querySelectorAll('*').length,
          tiles: grid.querySelectorAll('[data-output-id]').length,
          page: document.querySelectorAll('*').length,
          columns: Number(grid.getAttribute('aria-colcount')),
          rows: Number(grid.getAttribute('aria-rowcount')),
        }
      })
    const atTop = await dom()

    // A fast wheel scroll through the first thousand outputs: 200 px a frame (12,000 px/s), pages loading on the way.
    // BENCH_GALLERY_TRACE=file.json records a Chrome trace of it, to see where its frames go.
    if (TRACE !== undefined) await browser.startTracing(page, { path: TRACE, screenshots: false, categories: TRACE_CATEGORIES })
    const wheel = await page.evaluate(async () => {
      const grid = document.querySelector<HTMLElement>('.gallery-scroll')!
      grid.scrollTop = 0
      const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve))
      const frames: number[] = []
      // The interval between one frame's start and the next, as the browser stamps them (the rAF callbacks'
      // argument): each frame scrolls 200 px on, so it is the time the page takes to show each step.
      let last = await frame()
      for (let i = 0; i < 240; i++) {
        grid.scrollTop += 200
        const now = await frame()
        frames.push(now - last)
        last = now
      }
      const sorted = [...frames].sort((a, b) => a - b)
      return {
        px: grid.scrollTop,
        p50: sorted[Math.floor(sorted.length / 2)] ?? 0,
        p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        long: frames.filter((f) => f > 50).length,
        frames: frames.length,
      }
    })
    if (TRACE !== undefined) await browser.stopTracing()
    const midway = await dom()

    // Then straight to the end, page after page, until every output is loaded.
    const toEnd = await page.evaluate(async (total) => {
      const grid = document.querySelector<HTMLElement>('.gallery-scroll')!
      const started = performance.now()
      const loaded = () => Number(grid.getAttribute('aria-rowcount')) * Number(grid.getAttribute('aria-colcount'))
      while (loaded() < total || document.querySelector('.gallery-more') !== null) {
        grid.scrollTop = grid.scrollHeight
        await new Promise((resolve) => requestAnimationFrame(resolve))
        if (performance.now() - started > 300_000) break
      }
      return { ms: performance.now() - started, slots: loaded() }
    }, OUTPUTS)
    const atEnd = await dom()

    // Search: back at the top, each word typed then Enter; and once by typing alone (waits for the pause).
    await page.evaluate(() => document.querySelector('.gallery-scroll')!.scrollTo(0, 0))
    const enter: number[] = []
    const enterPainted: number[] = []
    for (const word of SEARCHES) {
      const t = await timeSearch(page, word, 'enter')
      enter.push(t.dom)
      enterPainted.push(t.painted)
    }
    const typed = await timeSearch(page, 'owl', 'typing')

    // The server's part of a search: outputs.list with the word and a page of 200, from Node.
    const server: number[] = []
    for (const word of SEARCHES) {
      const t0 = performance.now()
      const res = await fetch(`${origin}/api/outputs.list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: word, limit: 200 }),
      })
      await res.json()
      server.push(performance.now() - t0)
    }

    console.log(
      `gallery, ${OUTPUTS.toLocaleString('en')} outputs, ${Math.round(IMPORTED * 100)} % imported (seeded with their thumbnails in ${ms(seeded)}), Chromium ${browser.version()}, 1360×860`,
    )
    console.log(`  first tiles rendered, from navigation start:  median ${ms(median(tiles))}  (cold ${ms(tiles[0] ?? NaN)}, ${LOADS} loads)  (goal ≤ 1 s)`)
    console.log(`  first picture shown:                          median ${ms(median(images))}  (cold ${ms(images[0] ?? NaN)})`)
    console.log(`  search, Enter → filtered grid in the DOM:     median ${ms(median(enter))}  max ${ms(Math.max(...enter))}  (goal ≤ 50 ms; ${SEARCHES.length} words)`)
    console.log(`  search, Enter → next frame painted:           median ${ms(median(enterPainted))}  max ${ms(Math.max(...enterPainted))}`)
    console.log(`  search, last keystroke → filtered grid:       ${ms(typed.dom)}  (includes the 250 ms pause the box waits for)`)
    console.log(`  peer: outputs.list with the word, over HTTP:  median ${ms(median(server))}`)
    console.log(`  grid DOM at the top:    ${atTop.nodes} nodes, ${atTop.tiles} tiles (${atTop.columns} columns; page ${atTop.page} nodes)`)
    console.log(`  grid DOM after the wheel scroll: ${midway.nodes} nodes, ${midway.tiles} tiles`)
    console.log(`  grid DOM at the end:    ${atEnd.nodes} nodes, ${atEnd.tiles} tiles of ${(atEnd.rows * atEnd.columns).toLocaleString('en')} slots (page ${atEnd.page} nodes)`)
    console.log(
      `  wheel scroll, 200 px a frame over ${wheel.frames} frames (${Math.round(wheel.px).toLocaleString('en')} px): ` +
        `frame p50 ${wheel.p50.toFixed(1)} ms, p95 ${wheel.p95.toFixed(1)} ms (goal ≤ 33 ms), ${wheel.long} over 50 ms`,
    )
    console.log(`  from there to the end, loading every page: ${ms(toEnd.ms)}`)
    const { hwm } = memory()
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
    console.log(
      `  web host's own process (core and web host): peak RSS ${mb(hwm)} (VmHWM; sampled in the browser phase: ${mb(atStart.rss)} at its start, peak ${mb(rssPeak)})  (goal ≤ 300 MB)`,
    )
  } finally {
    clearInterval(sampler)
    await browser.close()
    await host.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchGallery()
