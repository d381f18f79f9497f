import { createHash, randomBytes } from 'node:crypto'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Output } from '@shared/output'
import { COURIER_RECORD_FORMAT, COURIER_RECORD_KEY, type CourierRecord } from '@shared/provenance'
import { folderName } from '../library/paths'
import { readsBackAs, writeDurably } from '../library/write-durably'
import { readImageMetadata, writeImageMetadata } from '../metadata/containers/image'
import { parametersForRecord } from '../metadata/interpret/index'
import type { OutputsRepo } from '../store/outputs-repo'
import { promptOf } from '../store/search'
import type { StoredGrid } from '../store/grids-repo'

/** The record a grid image carries: the fixed inputs as its inputs, and the whole set-up to restore. */
export function gridRecord(grid: StoredGrid, app: string, savedAt: number): CourierRecord {
  const prompt = promptOf(grid.inputs)
  return {
    format: COURIER_RECORD_FORMAT,
    app,
    provider: grid.provider,
    deploymentId: grid.deploymentId,
    deploymentName: grid.deploymentName,
    runId: grid.id,
    providerRunId: null,
    outputIndex: 0,
    inputs: grid.inputs,
    seed: null,
    prompt: prompt === '' ? null : prompt,
    negativePrompt: null,
    timings: { createdAt: grid.createdAt, finishedAt: null, savedAt },
    grid: { provider: grid.provider, deploymentId: grid.deploymentId, inputs: grid.inputs, axes: grid.axes },
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `{yyyy-mm-dd}/{deployment}/grid-{gridShort}-{stamp}.png`: beside its cells' files, never the name of an earlier image of it. */
export function gridImagePath(grid: StoredGrid, now: number): string {
  const day = new Date(grid.createdAt)
  const date = `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`
  return `${date}/${folderName(grid.deploymentName)}/grid-${grid.id.replace(/^g_/, '').slice(0, 8)}-${now.toString(36)}.png`
}

export interface SaveGridImageDeps {
  outputs: Pick<OutputsRepo, 'insertGridImage'>
  libraryDir: string
  app: string
  now?: () => number
}

/**
 * Saves a grid image into the library as saved files are: the record written into the PNG and read back,
 * the bytes hashed and written to `.part`, synced and read back, then renamed to the final name, and only then the row.
 * A failure leaves no file behind.
 */
export async function saveGridImage(deps: SaveGridImageDeps, grid: StoredGrid, png: Buffer, size: { width: number; height: number }): Promise<Output> {
  const now = (deps.now ?? Date.now)()
  const record = JSON.stringify(gridRecord(grid, deps.app, now))
  const parameters = parametersForRecord(JSON.parse(record) as CourierRecord, size)
  const written = writeImageMetadata(png, { text: { parameters, [COURIER_RECORD_KEY]: record }, userComment: null, xmp: {} })
  // A Buffer over the same memory: a copy of a 20 MB grid is 70 ms of page faults here.
  const bytes = Buffer.from(written.buffer, written.byteOffset, written.byteLength)
  if (readImageMetadata(bytes)?.text[COURIER_RECORD_KEY] !== record) throw new Error('the grid record did not read back from the picture')
  const sha256 = createHash('sha256').update(bytes).digest('hex')

  const relative = gridImagePath(grid, now)
  const path = join(deps.libraryDir, ...relative.split('/'))
  const part = `${path}.part`
  await mkdir(dirname(path), { recursive: true })
  try {
    await writeDurably(part, bytes)
    if (!(await readsBackAs(part, bytes))) throw new Error('the grid image did not read back as written')
    await rename(part, path)
  } catch (error) {
    await rm(part, { force: true })
    throw error
  }
  try {
    return deps.outputs.insertGridImage({
      id: `o_${randomBytes(9).toString('base64url')}`,
      gridId: grid.id,
      root: deps.libraryDir,
      path: relative,
      kind: 'image',
      mime: 'image/png',
      bytes: bytes.length,
      sha256,
      width: size.width,
      height: size.height,
      createdAt: now,
      title: `${grid.deploymentName} grid`,
      prompt: promptOf(grid.inputs),
      record: 'embedded',
    })
  } catch (error) {
    // No row, no file: a file the library does not list would be an orphan.
    await rm(path, { force: true })
    throw error
  }
}
