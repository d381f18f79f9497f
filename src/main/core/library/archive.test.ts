import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Output, OutputId } from '@shared/output'
import type { RunId } from '@shared/run'
import { archiveResponse, zipChunks } from './archive'
import { attachmentHeader, downloadName, uniqueNames } from './download-name'

const output = (over: Partial<Output>): Output => ({
  id: 'o_1' as OutputId,
  runId: 'r_abcdefgh1234' as RunId,
  path: '2026-12-06/dreamscape-sdxl/abcdefgh-1.png',
  kind: 'image',
  mime: 'image/png',
  bytes: 3,
  sha256: '',
  originalSha256: null,
  width: null,
  height: null,
  durationMs: null,
  provider: 'demo',
  deploymentId: 'd',
  deploymentName: 'Dreamscape SDXL',
  prompt: '',
  seed: 42,
  favourite: false,
  batchId: null,
  gridId: null,
  hasThumbnail: false,
  source: 'generated',
  folder: null,
  missing: false,
  createdAt: Date.UTC(2026, 11, 6),
  ...over,
})

describe('downloadName', () => {
  it('is made of deployment, seed and index, never of the folders', () => {
    expect(downloadName(output({}))).toBe('dreamscape-sdxl-seed-42-1.png')
    expect(downloadName(output({ path: '../../etc/abcdefgh-3.JSON', seed: null }))).toBe('dreamscape-sdxl-rabcdefg-3.json')
    expect(downloadName(output({ deploymentName: 'Réveil / "Ünïcode"', path: 'x/y-2.webm' }))).toBe('réveil-ünïcode-seed-42-2.webm')
  })

  it('goes in the header both as ASCII and exactly', () => {
    expect(attachmentHeader('réveil-seed-1.png')).toBe(`attachment; filename="r_veil-seed-1.png"; filename*=UTF-8''r%C3%A9veil-seed-1.png`)
  })

  it('is unique inside an archive', () => {
    expect(uniqueNames(['a.png', 'a.png', 'b', 'b', 'a.png'])).toEqual(['a.png', 'a (2).png', 'b', 'b (2)', 'a (3).png'])
  })
})

describe('zipChunks', () => {
  let root: string
  let outside: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'archive-lib-'))
    outside = await mkdtemp(join(tmpdir(), 'archive-out-'))
    await mkdir(join(root, 'day'), { recursive: true })
    await writeFile(join(root, 'day', 'abcdefgh-1.png'), Buffer.from([1, 2, 3]))
    await writeFile(join(root, 'day', 'abcdefgh-2.json'), '{"a": 1}')
    await writeFile(join(outside, 'secret.txt'), 'not yours')
    await symlink(join(outside, 'secret.txt'), join(root, 'day', 'abcdefgh-3.txt'))
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
    await rm(outside, { recursive: true, force: true })
  })

  it('holds each file under its download name, leaves links out of the library out, and says so', async () => {
    const chunks: Uint8Array[] = []
    for await (const chunk of zipChunks([
      { root, output: output({ path: 'day/abcdefgh-1.png' }) },
      { root, output: output({ id: 'o_2' as OutputId, path: 'day/abcdefgh-2.json', mime: 'application/json', kind: 'text' }) },
      { root, output: output({ id: 'o_3' as OutputId, path: 'day/abcdefgh-3.txt', mime: 'text/plain', kind: 'text' }) },
      { root, output: output({ id: 'o_4' as OutputId, path: '../escape-1.png' }) },
    ]))
      chunks.push(chunk)
    expect(chunks.length).toBeGreaterThan(1) // made piece by piece, not in one buffer
    const files = unzipSync(Buffer.concat(chunks))
    expect(Object.keys(files).sort()).toEqual(['dreamscape-sdxl-seed-42-1.png', 'dreamscape-sdxl-seed-42-2.json', 'not-included.txt'])
    expect([...(files['dreamscape-sdxl-seed-42-1.png'] ?? [])]).toEqual([1, 2, 3])
    expect(strFromU8(files['dreamscape-sdxl-seed-42-2.json'] ?? new Uint8Array())).toBe('{"a": 1}')
    const note = strFromU8(files['not-included.txt'] ?? new Uint8Array())
    expect(note).toContain('dreamscape-sdxl-seed-42-3.txt: outside the library folder')
    expect(note).toContain('dreamscape-sdxl-seed-42-1 (2).png: not a library path')
    expect(note).not.toContain('not yours')
  })

  it('is a named ZIP response', async () => {
    const res = archiveResponse([{ root, output: output({ path: 'day/abcdefgh-1.png' }) }], 'dreamscape-sdxl-1-output.zip')
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''dreamscape-sdxl-1-output.zip`)
    expect(Object.keys(unzipSync(new Uint8Array(await res.arrayBuffer())))).toEqual(['dreamscape-sdxl-seed-42-1.png'])
  })
})
