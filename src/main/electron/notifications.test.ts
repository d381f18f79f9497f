import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { CourierEvent } from '@shared/events'
import type { Output } from '@shared/output'
import { ok, err } from '@shared/result'
import type { Core } from '../core/core-types'
import { EventHub } from '../core/events/event-hub'
import { describeRunEnd } from '@shared/run-watch'
import { thumbnailPng, watchRuns, type ShownNotification } from './notifications'
import { makeOutput, makeRun } from '@shared/run-fixtures.test-support'

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47])

async function webpThumbnail(): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 24, channels: 3, background: '#2dd4bf' } }).webp().toBuffer()
}

/** A core that behaves: a real event hub, outputs.list over a list, thumbnails as WebP (as core makes them). */
async function fakeCore(outputs: Output[] = []) {
  const events = new EventHub<CourierEvent>()
  const published: CourierEvent[] = []
  events.subscribe((event) => published.push(event))
  const webp = await webpThumbnail()
  const core = {
    events,
    // Answers `outputs.list` alone; the cast gives this one-method stand-in the contract's generic signature.
    call: (async (method: string, args: unknown) => {
      if (method !== 'outputs.list') return err('UNKNOWN_METHOD', method)
      const { runId } = args as { runId: string }
      return ok(outputs.filter((output) => output.runId === runId))
    }) as Core['call'],
    media: async (outputId: string, _range: string | null, opts?: { thumbnail?: boolean }) =>
      opts?.thumbnail && outputs.some((output) => output.id === outputId && output.hasThumbnail)
        ? new Response(new Uint8Array(webp), { headers: { 'content-type': 'image/webp' } })
        : new Response('no thumbnail', { status: 404 }),
  }
  return { core, published }
}

function setup(core: Awaited<ReturnType<typeof fakeCore>>['core'], opts: { focused?: boolean; initial?: ReturnType<typeof makeRun>[] } = {}) {
  const shown: ShownNotification[] = []
  const counts: number[] = []
  const windowShown: string[] = []
  let focused = opts.focused ?? false
  const notifier = watchRuns({
    core,
    initialRuns: opts.initial ?? [makeRun('r1', 'running')],
    startedAt: 1_000,
    isWindowFocused: () => focused,
    show: (notification) => shown.push(notification),
    showWindow: async () => void windowShown.push('shown'),
    onLiveCount: (count) => counts.push(count),
    log: () => {},
  })
  return { notifier, shown, counts, windowShown, focus: (value: boolean) => (focused = value) }
}

const publishRun = (core: { events: EventHub<CourierEvent> }, run: ReturnType<typeof makeRun>) => core.events.publish({ type: 'run.updated', run })

describe('describeRunEnd', () => {
  it('names the deployment and the outputs of a succeeded run, and opens its first output', () => {
    const run = makeRun('r1', 'succeeded', { outputCount: 3 })
    expect(describeRunEnd(run, makeOutput('o1', 'r1'))).toEqual({
      title: 'Sketch to image finished · 3 outputs',
      body: 'a paper plane over a teal sea',
      target: { view: 'gallery', outputId: 'o1' },
      outputId: 'o1',
    })
    expect(describeRunEnd(makeRun('r1', 'succeeded', { outputCount: 1 }), null).title).toBe('Sketch to image finished · 1 output')
  })

  it('gives the reason for a failed, cancelled or timed-out run and opens the run', () => {
    const failed = describeRunEnd(makeRun('r2', 'failed', { error: { code: 'RUN_FAILED', message: 'CUDA out of memory' } }), null)
    expect(failed).toMatchObject({ title: 'Sketch to image failed', body: 'CUDA out of memory', target: { view: 'runs', runId: 'r2' } })
    expect(describeRunEnd(makeRun('r3', 'cancelled'), null)).toMatchObject({ title: 'Sketch to image was cancelled', body: 'The run was cancelled.' })
    expect(describeRunEnd(makeRun('r4', 'timed_out'), null).title).toBe('Sketch to image timed out')
  })

  it('keeps a long prompt to one short line', () => {
    const body = describeRunEnd(makeRun('r1', 'succeeded', { inputs: { prompt: `a\n${'very '.repeat(60)}long prompt` } }), null).body
    expect(body.length).toBeLessThanOrEqual(120)
    expect(body).not.toContain('\n')
    expect(body.endsWith('…')).toBe(true)
  })
})

describe('thumbnailPng', () => {
  it("turns core's WebP thumbnail into PNG bytes nativeImage can read", async () => {
    const { core } = await fakeCore([makeOutput('o1', 'r1')])
    const png = await thumbnailPng(core, 'o1', () => {})
    expect(png?.subarray(0, 4)).toEqual(PNG_MAGIC)
    expect(await sharp(png!).metadata()).toMatchObject({ format: 'png', width: 32, height: 24 })
  })

  it('is null when there is no thumbnail, or it cannot be decoded', async () => {
    const { core } = await fakeCore([makeOutput('o1', 'r1', { hasThumbnail: false })])
    expect(await thumbnailPng(core, 'o1', () => {})).toBeNull()
    const logs: string[] = []
    const broken = { media: async () => new Response('not an image') }
    expect(await thumbnailPng(broken, 'o2', (line) => logs.push(line))).toBeNull()
    expect(logs).toHaveLength(1)
  })
})

describe('watchRuns', () => {
  it('announces a run that succeeds while the window is not focused, with its thumbnail', async () => {
    const { core, published } = await fakeCore([makeOutput('o2', 'r1', { createdAt: 5_000, path: 'x/r1-2.png' }), makeOutput('o1', 'r1')])
    const { notifier, shown, windowShown } = setup(core)
    publishRun(core, makeRun('r1', 'succeeded', { outputs: 'pending' }))
    await notifier.idle()
    expect(shown).toEqual([]) // outputs not saved yet
    publishRun(core, makeRun('r1', 'succeeded', { outputs: 'saved', outputCount: 2 }))
    await notifier.idle()
    expect(shown).toHaveLength(1)
    expect(shown[0]).toMatchObject({ title: 'Sketch to image finished · 2 outputs' })
    expect(shown[0]?.iconPng?.subarray(0, 4)).toEqual(PNG_MAGIC)

    // A click shows the window first, then asks the page to open the first output.
    shown[0]?.onClick()
    await new Promise((resolve) => setImmediate(resolve))
    expect(windowShown).toEqual(['shown'])
    expect(published.at(-1)).toEqual({ type: 'app.open', target: { view: 'gallery', outputId: 'o1' } })
  })

  it('announces at once a run whose first save failed for a passing reason, saying why', async () => {
    const { core } = await fakeCore()
    const { notifier, shown } = setup(core)
    const diskFull = { code: 'DISK_FULL' as const, message: 'DISK_FULL: 12 MB free on /data, 40 MB needed' }
    publishRun(core, makeRun('r1', 'succeeded', { outputs: 'pending', error: diskFull }))
    await notifier.idle()
    expect(shown).toHaveLength(1)
    expect(shown[0]).toMatchObject({ title: 'Sketch to image finished · 0 outputs', body: diskFull.message })
    publishRun(core, makeRun('r1', 'succeeded', { outputs: 'saved', outputCount: 1 }))
    await notifier.idle()
    expect(shown).toHaveLength(1)
  })

  it('opens the run when a failed run is clicked', async () => {
    const { core, published } = await fakeCore()
    const { notifier, shown } = setup(core)
    publishRun(core, makeRun('r1', 'failed', { error: { code: 'RUN_FAILED', message: 'node 12 failed' } }))
    await notifier.idle()
    expect(shown[0]).toMatchObject({ title: 'Sketch to image failed', body: 'node 12 failed', iconPng: null })
    shown[0]?.onClick()
    await new Promise((resolve) => setImmediate(resolve))
    expect(published.at(-1)).toEqual({ type: 'app.open', target: { view: 'runs', runId: 'r1' } })
  })

  it('announces a grid once, when its image is saved, never its cells one by one', async () => {
    const { core, published } = await fakeCore([makeOutput('og', 'r9', { hasThumbnail: true })])
    const { notifier, shown } = setup(core)
    publishRun(core, makeRun('r1', 'succeeded', { outputs: 'saved', outputCount: 1, gridId: 'g1' }))
    await notifier.idle()
    expect(shown).toEqual([])
    const cell = (runId: string, status: 'succeeded' | 'failed') => ({ x: 0, y: 0, z: 0, runId, status, outputId: null }) as never
    const grid = {
      gridId: 'g1',
      provider: 'demo',
      deploymentId: 'd',
      deploymentName: 'Sketch',
      inputs: {},
      axes: [],
      cells: [cell('r1', 'succeeded'), cell('r2', 'failed')],
      cellTime: true,
      imageOutputId: 'og',
      imageState: 'saved',
      imageError: null,
      createdAt: 1,
    } as never
    core.events.publish({ type: 'grid.updated', grid })
    core.events.publish({ type: 'grid.updated', grid })
    await notifier.idle()
    expect(shown).toHaveLength(1)
    expect(shown[0]).toMatchObject({ title: 'Sketch grid finished · 1 of 2 cells', body: 'The grid image is in the gallery.' })
    expect(shown[0]?.iconPng?.subarray(0, 4)).toEqual(PNG_MAGIC)
    shown[0]?.onClick()
    await new Promise((resolve) => setImmediate(resolve))
    expect(published.at(-1)).toEqual({ type: 'app.open', target: { view: 'gallery', outputId: 'og' } })
  })

  it('stays quiet while the window is focused, and for runs final before the start', async () => {
    const { core } = await fakeCore()
    const { notifier, shown, focus } = setup(core, { focused: true, initial: [makeRun('r1', 'running'), makeRun('old', 'failed'), makeRun('r2', 'running')] })
    publishRun(core, makeRun('r1', 'failed'))
    focus(false)
    publishRun(core, makeRun('old', 'failed'))
    await notifier.idle()
    expect(shown).toEqual([])
    publishRun(core, makeRun('r2', 'cancelled'))
    await notifier.idle()
    expect(shown.map((n) => n.title)).toEqual(['Sketch to image was cancelled'])
  })

  it('reports the live count at start and each time it changes, and stops listening', async () => {
    const { core } = await fakeCore()
    const { notifier, counts } = setup(core, { focused: true, initial: [makeRun('r1', 'running')] })
    publishRun(core, makeRun('r2', 'queued', { createdAt: 2_000 }))
    publishRun(core, makeRun('r2', 'running', { createdAt: 2_000 }))
    publishRun(core, makeRun('r1', 'failed'))
    expect(counts).toEqual([1, 2, 1])
    expect(notifier.liveCount()).toBe(1)
    notifier.stop()
    publishRun(core, makeRun('r2', 'failed'))
    expect(counts).toEqual([1, 2, 1])
  })
})
