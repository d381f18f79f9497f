import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { COURIER_RECORD_FORMAT, type CourierRecord } from '@shared/provenance'
import { fromRaw, noise } from './fixtures/fixtures'
import { interpret } from './interpret/index'
import { readFileMetadata } from './read-file'
import { writeRecord } from './write-record'

const noTools = { ffmpeg: null, ffprobe: null }

/** A record whose inputs hold a ComfyUI workflow of about `kb` KB, as a run from an uploaded workflow would. */
function recordWithWorkflow(kb: number): CourierRecord {
  const nodes: Record<string, unknown> = {}
  for (let i = 0, length = 0; length < kb * 1024; i++) {
    const node = { class_type: 'KSampler', inputs: { seed: i, steps: 20, note: `node ${i} of a long graph` } }
    nodes[String(i)] = node
    length += JSON.stringify(node).length + 8
  }
  return {
    format: COURIER_RECORD_FORMAT,
    app: 'Comfy Courier test',
    provider: 'runcomfy',
    deploymentId: 'dep-1',
    deploymentName: 'Big Graph',
    runId: 'r_bigworkflow01',
    providerRunId: 'p-1',
    outputIndex: 0,
    inputs: { prompt: 'a lighthouse on a cliff', seed: 42, workflow_api_json: JSON.stringify(nodes) },
    seed: 42,
    prompt: 'a lighthouse on a cliff',
    negativePrompt: null,
    timings: { createdAt: 1, finishedAt: 2, savedAt: 3 },
  }
}

describe('writeRecord on a JPEG whose record is larger than one segment', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-write-record-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('embeds it (extended XMP) rather than writing a sidecar, and reads it back whole', async () => {
    const path = join(dir, 'big.jpg')
    const bytes = await fromRaw(noise(64, 48)).jpeg().toBuffer()
    await writeFile(path, bytes)
    const record = recordWithWorkflow(300)
    expect(JSON.stringify(record).length).toBeGreaterThan(300 * 1024)
    const written = await writeRecord({ path, bytes: bytes.length, sha256: 'unused' }, record, { width: 64, height: 48 }, noTools)
    expect(written).toMatchObject({ how: 'embedded', why: null })
    expect(existsSync(`${path}.json`)).toBe(false)
    expect((await stat(path)).size).toBe(written.bytes)
    expect(await sharp(await readFile(path)).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 48 })
    const { record: read } = interpret(await readFileMetadata(path, written.bytes, noTools))
    expect(read).toEqual(record)
  })
})
