import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readdirSync, readFileSync } from 'node:fs'
import { getPriority, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inlinePainter, workerPainter } from '../../src/sim/media/painter'
import { renderPicture, renderPng } from '../../src/sim/media/procedural-image'
import { ensureBuilt, ROOT } from '../support/cli-process'

const WORKER = join(ROOT, 'out', 'main', 'painter-worker.js')
const spec = { key: 'a lighthouse|7|20|final_result|0', width: 96, height: 64, detail: 20 }

/** This process's threads' nice values (Linux: the 19th field of each task's stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
  })
}

describe('the Demo’s painter thread (the built painter-worker.js)', () => {
  let dir: string
  beforeAll(async () => {
    ensureBuilt()
    dir = await mkdtemp(join(tmpdir(), 'courier-painter-'))
  }, 180_000)
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('draws the same PNG and pixels as the simulator does in-process, several pictures at once', async () => {
    const painter = workerPainter(WORKER)
    try {
      const specs = Array.from({ length: 6 }, (_, i) => ({ ...spec, key: `${spec.key}|${i}` }))
      const pngs = await Promise.all(specs.map((s) => painter.png(s)))
      pngs.forEach((png, i) => expect(Buffer.compare(png, renderPng(specs[i]!))).toBe(0))
      const pixels = await painter.pixels(spec)
      const expected = renderPicture(spec)
      expect([pixels.width, pixels.height]).toEqual([96, 64])
      expect(Buffer.compare(Buffer.from(pixels.pixels), Buffer.from(expected.pixels))).toBe(0)
    } finally {
      await painter.close()
    }
  })

  it.runIf(process.platform === 'linux')('runs at the lowest priority on Linux, and lowers no other thread', async () => {
    const before = threadNiceValues().filter((nice) => nice === 19).length
    const painter = workerPainter(WORKER)
    try {
      await painter.png(spec)
      expect(threadNiceValues().filter((nice) => nice === 19).length).toBe(before + 1)
      expect(getPriority()).toBe(0)
    } finally {
      await painter.close()
    }
  })

  it('draws in-process, losing no picture, when the worker is missing or dies', async () => {
    const lines: string[] = []
    const missing = workerPainter(join(dir, 'no-such-worker.js'), (line) => lines.push(line))
    expect(Buffer.compare(await missing.png(spec), renderPng(spec))).toBe(0)
    expect(lines.join('\n')).toMatch(/no worker at .*no-such-worker\.js; drawing in-process/)

    // A worker that dies as soon as it is asked: the picture in hand is drawn here instead.
    const dying = join(dir, 'dying-worker.mjs')
    await writeFile(dying, "import { parentPort } from 'node:worker_threads'\nparentPort.on('message', () => process.exit(7))\n")
    const painter = workerPainter(dying, (line) => lines.push(line))
    try {
      const [first, second] = await Promise.all([painter.png(spec), painter.png({ ...spec, key: 'another' })])
      expect(Buffer.compare(first, renderPng(spec))).toBe(0)
      expect(Buffer.compare(second, renderPng({ ...spec, key: 'another' }))).toBe(0)
      expect(Buffer.compare(await painter.png(spec), renderPng(spec))).toBe(0)
      expect(lines.join('\n')).toMatch(/the worker exited \(7\); drawing in-process from now on/)
    } finally {
      await painter.close()
    }
  })

  it('the in-process painter draws what renderPng draws', async () => {
    expect(Buffer.compare(await inlinePainter().png(spec), renderPng(spec))).toBe(0)
  })
})
