import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Output, OutputId } from '@shared/output'
import type { OutputLocation } from '../store/outputs-repo'
import { exportOutputs, isWorkflowJson, type ExportDeps } from './export-outputs'

/** When set, the nth `copyFile` from now on writes half the file and fails as a full disk does. */
const fullAfter = vi.hoisted(() => ({ copies: Infinity }))

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>()
  const copyFile: typeof real.copyFile = async (from, to, mode) => {
    if (fullAfter.copies-- <= 0) {
      await real.writeFile(to as string, 'half a file')
      throw Object.assign(new Error('ENOSPC: no space left on device, copyfile'), { code: 'ENOSPC' })
    }
    return real.copyFile(from, to, mode)
  }
  return { ...real, copyFile, default: { ...real, copyFile } }
})

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'courier-export-'))
  fullAfter.copies = Infinity
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A library of text outputs (copied as they are whatever the choice), as the repo answers for them. */
async function library(files: Record<string, string>): Promise<ExportDeps> {
  const root = join(dir, 'library')
  const outputs = new Map<string, { output: Output; location: OutputLocation }>()
  let n = 0
  for (const [id, text] of Object.entries(files)) {
    n++
    const path = `2026-12-06/notes/r${n}-1.txt`
    await mkdir(join(root, '2026-12-06', 'notes'), { recursive: true })
    await writeFile(join(root, path), text)
    outputs.set(id, {
      output: { id, path, deploymentName: 'Notes', seed: n, runId: `r${n}` } as unknown as Output,
      location: { id, root, path, mime: 'text/plain', kind: 'text', bytes: text.length, sha256: '', thumbnail: null } as OutputLocation,
    })
  }
  return {
    outputs: { get: (id) => outputs.get(id)?.output, location: (id) => outputs.get(id)?.location },
    libraryDir: () => root,
    videoTools: { ffmpeg: null, ffprobe: null },
  }
}

describe('exportOutputs', () => {
  it('stops at a full disk, says how many were exported, and leaves neither the half-written file nor a .part', async () => {
    const deps = await library({ o1: 'one', o2: 'two', o3: 'three' })
    const folder = join(dir, 'out')
    fullAfter.copies = 1
    const result = await exportOutputs(deps, { ids: ['o1', 'o2', 'o3'] as OutputId[], folder, metadata: 'keep' })
    expect(result).toEqual({ ok: false, error: { code: 'DISK_FULL', message: expect.stringContaining('1 file was exported before it ran out') } })
    expect(await readdir(folder)).toEqual(['notes-seed-1-1.txt'])
  })

  it('answers DISK_FULL naming none when the first file does not fit', async () => {
    const deps = await library({ o1: 'one' })
    const folder = join(dir, 'out')
    fullAfter.copies = 0
    const result = await exportOutputs(deps, { ids: ['o1'] as OutputId[], folder, metadata: 'strip' })
    expect(result).toMatchObject({ ok: false, error: { code: 'DISK_FULL', message: expect.stringContaining('0 files were exported') } })
    expect(await readdir(folder)).toEqual([])
  })

  it('copies text as it is in both modes, numbering names within one export', async () => {
    const deps = await library({ o1: 'one', o2: 'two' })
    // Two outputs that would share a name.
    const second = deps.outputs.get('o2')!
    Object.assign(second, { seed: 1 })
    const folder = join(dir, 'out')
    const result = await exportOutputs(deps, { ids: ['o1', 'o2'] as OutputId[], folder, metadata: 'strip' })
    expect(result).toMatchObject({ ok: true, value: { exported: [{ fileName: 'notes-seed-1-1.txt' }, { fileName: 'notes-seed-1-1-2.txt' }], skipped: [] } })
  })
})

describe('isWorkflowJson', () => {
  it('knows ComfyUI workflows (UI and API formats, or held under workflow/prompt) from other JSON', () => {
    expect(isWorkflowJson(JSON.stringify({ nodes: [], links: [] }))).toBe(true)
    expect(isWorkflowJson(JSON.stringify({ '3': { class_type: 'KSampler', inputs: {} } }))).toBe(true)
    expect(isWorkflowJson(JSON.stringify({ workflow: JSON.stringify({ nodes: [{}], links: [] }) }))).toBe(true)
    expect(isWorkflowJson(JSON.stringify({ prompt: { '1': { class_type: 'X' } } }))).toBe(true)
    expect(isWorkflowJson(JSON.stringify({ run_id: 'r1', deployment: 'Contact Sheet', images: ['a.png'] }))).toBe(false)
    expect(isWorkflowJson('not json')).toBe(false)
    expect(isWorkflowJson('[1,2]')).toBe(false)
  })
})
