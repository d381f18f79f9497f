/**
 * The download manager end to end: a core against the simulator, each case a fault a real output host or
 * disk can throw at it. Every case checks what a user would find: the run's state and message, the files
 * under the library (never a partial one under a final name, no `.part` once it is over), and the hash.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { OpenPart } from '../../src/main/core/downloads/part-file'
import { openPartFile } from '../../src/main/core/downloads/part-file'
import type { DownloadManagerOptions } from '../../src/main/core/downloads/download-manager'
import type { Resolver } from '../../src/main/core/downloads/url-guard'
import type { CourierEvent, DownloadProgress } from '../../src/shared/events'
import type { Run } from '../../src/shared/run'
import { DEPLOYMENT_IDS, type Sim } from '../../src/sim/index'
import { removeDir, type TestCore } from '../support/core-fixture'
import { decodePng } from '../support/png'
import { useSimAndCores } from '../support/sim-and-cores'

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Every file under `dir`, relative, with `/` separators. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
}
const partFiles = async (dir: string) => (await filesUnder(dir)).filter((f) => f.endsWith('.part'))
/** Files under their final names: not a `.part`, nor the `.part.resume` record beside one. */
const completeFiles = async (dir: string) => (await filesUnder(dir)).filter((f) => !/\.part(\.resume)?$/.test(f))

type MediaRequest = { path: string; range: string | null; ifRange: string | null; status: number; bytesSent: number }

/** The simulator's own record of the media requests it answered. */
async function mediaLog(sim: Sim): Promise<MediaRequest[]> {
  return ((await (await fetch(`${sim.url}/__sim/media-log`)).json()) as { requests: MediaRequest[] }).requests
}

const progressOf = (t: TestCore, runId: string): DownloadProgress[] =>
  t.seen.flatMap((e: CourierEvent) => (e.type === 'download.progress' && e.progress.runId === runId ? [e.progress] : []))

/** A resolver that knows only the names given, and records every question. */
function resolverFor(table: Record<string, string>): Resolver & { calls: string[] } {
  const calls: string[] = []
  const resolve = async (host: string) => {
    calls.push(host)
    const address = table[host]
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
    return [{ address, family: 4 }]
  }
  return Object.assign(resolve, { calls })
}

describe('downloads: resume, refusals, full disks and forged names', () => {
  const rig = useSimAndCores()
  const servers: Server[] = []
  // Runs before the simulator closes (after-hooks run in reverse order).
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  async function core(opts: { apiUrl?: string; resolve?: Resolver; downloads?: DownloadManagerOptions } = {}): Promise<TestCore> {
    const tuning = {
      safetyPollMs: 1000,
      downloadRetryMs: 300,
      ...(opts.resolve ? { resolve: opts.resolve } : {}),
      ...(opts.downloads ? { downloads: opts.downloads } : {}),
    }
    return rig.start({
      env: { COMFYDEPLOY_API_URL: opts.apiUrl ?? `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'cd-test-key' },
      webhooks: 'direct',
      tuning,
    })
  }

  const submit = async (t: TestCore, deploymentId: string) =>
    (await t.call('runs.submit', { provider: 'comfydeploy', deploymentId, inputs: {} })).id as Run['id']

  it('resumes a download cut at 50 %: the second request asks for the rest with Range and If-Range, and the hash covers the whole file', async () => {
    Object.assign(rig.sim.faults, { largeOutputBytes: 4 * 1024 * 1024, cutDownloadsAtPercent: 50 })
    const t = await core()
    const runId = await submit(t, DEPLOYMENT_IDS.poster8k)
    const run = await t.waitForRun(runId, (r) => r.status === 'succeeded' && r.outputCount === 1, 30_000)
    expect(run.error).toBeNull()

    const [output] = await t.call('outputs.list', { runId })
    const saved = await readFile(join(t.libraryDir, output!.path))
    decodePng(saved)
    const size = 4 * 1024 * 1024
    // The file on disk holds our generation record: it is the host's file with text chunks added.
    expect(output).toMatchObject({ bytes: saved.length, mime: 'image/png', sha256: sha256(saved), width: expect.any(Number) })
    expect(saved.length).toBeGreaterThan(size)

    const requests = (await mediaLog(rig.sim)).filter((r) => r.path.includes('/media/'))
    expect(requests).toHaveLength(2)
    const [first, second] = requests
    const media = `${rig.sim.url}${first!.path}`
    const head = await fetch(media, { method: 'HEAD' })
    expect(first).toMatchObject({ range: null, ifRange: null, status: 200, bytesSent: size / 2 })
    expect(second).toMatchObject({ range: `bytes=${size / 2}-`, ifRange: head.headers.get('etag'), status: 206, bytesSent: size / 2 })
    // What was downloaded is the host's file, byte for byte: the hash it had before the record was written.
    expect(sha256(Buffer.from(await (await fetch(media)).arrayBuffer()))).toBe(output!.originalSha256)

    const states = progressOf(t, runId).map((p) => p.state).filter((s, i, all) => s !== all[i - 1])
    expect(states).toEqual(['queued', 'downloading', 'retrying', 'downloading', 'done'])
    const retrying = progressOf(t, runId).find((p) => p.state === 'retrying')!
    expect(retrying.message).toMatch(/^the download was cut short: got 2097152 of 4194304 bytes; retrying/)
    expect(await partFiles(t.libraryDir)).toEqual([])
  })

  it('resumes after a restart: a download cut before the app quit continues from its .part at the next start', async () => {
    const size = 4 * 1024 * 1024
    Object.assign(rig.sim.faults, { largeOutputBytes: size, cutDownloadsAtPercent: 50 })
    // One attempt and a long wait before the next, so the only retry is the restarted app's.
    const first = await core({ downloads: { attempts: 1 } })
    const runId = await submit(first, DEPLOYMENT_IDS.poster8k)
    const cut = await first.waitForRun(runId, (r) => r.status === 'succeeded' && r.error?.code === 'DOWNLOAD_FAILED', 30_000)
    expect(cut.error!.message).toMatch(/got 2097152 of 4194304 bytes \(will retry\)$/)
    expect((await filesUnder(first.libraryDir)).filter((f) => /\.part(\.resume)?$/.test(f)).map((f) => f.split('.').slice(1).join('.'))).toEqual(['part', 'part.resume'])

    rig.sim.faults.cutDownloadsAtPercent = 0
    const second = await rig.restart(first)
    const healed = await second.waitForRun(runId, (r) => r.outputCount === 1 && r.error === null, 30_000)
    expect(healed.status).toBe('succeeded')
    const [output] = await second.call('outputs.list', { runId })
    const saved = await readFile(join(second.libraryDir, output!.path))
    expect(output).toMatchObject({ bytes: saved.length, sha256: sha256(saved), originalSha256: expect.stringMatching(/^[0-9a-f]{64}$/) })

    const [before, after, ...rest] = (await mediaLog(rig.sim)).filter((r) => r.path.includes('/media/'))
    const etag = (await fetch(`${rig.sim.url}${before!.path}`, { method: 'HEAD' })).headers.get('etag')
    expect(before).toMatchObject({ range: null, status: 200, bytesSent: size / 2 })
    expect(after).toMatchObject({ range: `bytes=${size / 2}-`, ifRange: etag, status: 206, bytesSent: size / 2 })
    expect(rest).toEqual([])
    expect((await filesUnder(second.libraryDir)).filter((f) => f.includes('.part'))).toEqual([])
  })

  it('never shows a file whose Content-Length is wrong, says so, and saves it once the host behaves', async () => {
    rig.sim.faults.wrongContentLength = true
    const t = await core()
    const runId = await submit(t, DEPLOYMENT_IDS.dreamscape)
    const broken = await t.waitForRun(runId, (r) => r.status === 'succeeded' && r.error?.code === 'DOWNLOAD_FAILED', 30_000)
    const [, got, declared] = /cut short: got (\d+) of (\d+) bytes \(will retry\)$/.exec(broken.error!.message) ?? []
    expect(Number(declared)).toBe(Number(got) + Math.ceil(Number(got) / 2))
    expect(await t.call('outputs.list', { runId })).toEqual([])
    expect(await completeFiles(t.libraryDir)).toEqual([])

    rig.sim.faults.wrongContentLength = false
    const healed = await t.waitForRun(runId, (r) => r.outputCount === 1 && r.error === null, 30_000)
    expect(healed.status).toBe('succeeded')
    const [output] = await t.call('outputs.list', { runId })
    const bytes = await readFile(join(t.libraryDir, output!.path))
    decodePng(bytes)
    expect(output!.sha256).toBe(sha256(bytes))
    expect(await partFiles(t.libraryDir)).toEqual([])
  })

  it.each(['labelled', 'disguised'] as const)('refuses an HTML page served where an image was promised (%s), keeping nothing', async (mode) => {
    rig.sim.faults.serveHtmlForMedia = mode
    const t = await core()
    const runId = await submit(t, DEPLOYMENT_IDS.dreamscape)
    const run = await t.waitForRun(runId, (r) => r.status === 'succeeded' && r.error !== null, 30_000)
    expect(run.error).toEqual({ code: 'DOWNLOAD_FAILED', message: '1 of 1 outputs not saved: the host sent a web page instead of the image' })
    expect(progressOf(t, runId).at(-1)).toMatchObject({ state: 'failed', message: 'the host sent a web page instead of the image' })
    expect(await t.call('outputs.list', { runId })).toEqual([])
    expect(await filesUnder(t.libraryDir)).toEqual([])
  })

  it('refuses a redirect to a private address (checked after DNS, before any connection)', async () => {
    const resolve = resolverFor({ 'media.internal.test': '10.0.0.1' })
    rig.sim.faults.redirectMediaTo = 'https://media.internal.test{path}'
    const t = await core({ resolve })
    const runId = await submit(t, DEPLOYMENT_IDS.dreamscape)
    const run = await t.waitForRun(runId, (r) => r.status === 'succeeded' && r.error !== null, 30_000)
    expect(run.error).toEqual({
      code: 'DOWNLOAD_FAILED',
      message: '1 of 1 outputs not saved: refused redirect: media.internal.test resolves to a private or reserved address (10.0.0.1)',
    })
    expect(resolve.calls).toContain('media.internal.test')
    // The simulator answered the first hop; nothing followed it.
    expect((await mediaLog(rig.sim)).map((r) => r.status)).toEqual([302])
    expect(await filesUnder(t.libraryDir)).toEqual([])
  })

  it('fails clearly when the disk has too little room, keeps nothing, and saves once there is room', async () => {
    let free = 5_000_000
    const t = await core({ downloads: { freeSpace: async () => free } })
    const runId = await submit(t, DEPLOYMENT_IDS.dreamscape)
    const full = await t.waitForRun(runId, (r) => r.status === 'succeeded' && r.error !== null, 30_000)
    expect(full.error!.code).toBe('DISK_FULL')
    expect(full.error!.message).toMatch(/^1 of 1 outputs not saved: not enough free space on \/.*: needs [\d.]+ MB, has 5 MB \(will retry\)$/)
    expect(await filesUnder(t.libraryDir)).toEqual([])

    free = 10 ** 12
    await t.waitForRun(runId, (r) => r.outputCount === 1 && r.error === null, 30_000)
    expect(await partFiles(t.libraryDir)).toEqual([])
  })

  it('fails clearly when the disk fills up mid-write, and removes the .part', async () => {
    let fill = true
    let filled = false
    // The real .part file, until 20 kB are written: then the disk is full, and says so as ENOSPC.
    const filling: OpenPart = async (path, mode) => {
      const real = await openPartFile(path, mode)
      if (!fill) return real
      let written = 0
      return {
        write(chunk) {
          written += chunk.length
          if (written <= 20_000) return real.write(chunk)
          filled = true
          return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))
        },
        commit: () => real.commit(),
        abort: () => real.abort(),
      }
    }
    // Room enough when the download starts; none once the disk has filled.
    const t = await core({ downloads: { openPart: filling, freeSpace: async () => (filled && fill ? 0 : 10 ** 12) } })
    const runId = await submit(t, DEPLOYMENT_IDS.dreamscape)
    const full = await t.waitForRun(runId, (r) => r.status === 'succeeded' && r.error !== null, 30_000)
    expect(full.error!.code).toBe('DISK_FULL')
    expect(full.error!.message).toMatch(/^1 of 1 outputs not saved: not enough free space on \/.*: needs .+, has 0 bytes \(will retry\)$/)
    expect(await filesUnder(t.libraryDir)).toEqual([])

    fill = false
    await t.waitForRun(runId, (r) => r.outputCount === 1 && r.error === null, 30_000)
    expect(await partFiles(t.libraryDir)).toEqual([])
  })

  it('names files from our ids whatever file names the provider sends (../../x, absolute paths, C:\\x, NUL, 300 chars)', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'courier-outside-'))
    const hostile = ['../../escaped.png', `${outside}/passwd`, 'C:\\Windows\\escaped.png', 'a\u0000b.png', `${'x'.repeat(300)}.png`, '..', '../../../../../../../tmp/escaped.json']
    // A proxy in front of the simulator's API that replaces every output's file name with a hostile one.
    let rewritten = 0
    const proxy = createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = []
        for await (const chunk of req) chunks.push(chunk as Buffer)
        const upstream = await fetch(`${rig.sim.url}${req.url}`, {
          method: req.method,
          headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? 'application/json' },
          ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
        })
        let text = await upstream.text()
        if (req.method === 'GET' && /^\/api\/run\/[^/]+/.test(req.url ?? '') && upstream.ok) {
          const run = JSON.parse(text) as { outputs?: { data: Record<string, unknown[]> }[] }
          let n = 0
          for (const output of run.outputs ?? [])
            for (const items of Object.values(output.data))
              for (const item of items)
                if (typeof item === 'object' && item !== null) {
                  ;(item as { filename: string }).filename = hostile[n++ % hostile.length]!
                  rewritten++
                }
          text = JSON.stringify(run)
        }
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
        res.end(text)
      })().catch((error: unknown) => {
        res.writeHead(502)
        res.end(String(error))
      })
    })
    servers.push(proxy)
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const apiUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api`

    const t = await core({ apiUrl })
    const runId = await submit(t, DEPLOYMENT_IDS.contactSheet)
    await t.waitForRun(runId, (r) => r.status === 'succeeded' && r.outputCount === 8 && r.error === null, 30_000)
    expect(rewritten).toBeGreaterThanOrEqual(7) // the client saw only hostile names
    const outputs = await t.call('outputs.list', { runId })
    const short = runId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8)
    for (const output of outputs) expect(output.path).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}/contact-sheet/${short}-\\d\\.(png|webp|jpg|json|txt)$`))
    expect(outputs.map((o) => o.path.split('.').pop()).sort()).toEqual(['jpg', 'json', 'png', 'png', 'png', 'png', 'txt', 'webp'])
    // Nothing landed anywhere else: not beside the library, not in the folder an absolute name pointed at.
    expect((await filesUnder(t.libraryDir)).sort()).toEqual(outputs.map((o) => o.path).sort())
    expect((await filesUnder(t.dataDir)).filter((f) => /escaped|passwd/.test(f))).toEqual([])
    expect(await filesUnder(outside)).toEqual([])
    await removeDir(outside)
  })
})
