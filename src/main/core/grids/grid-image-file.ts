import { createHash, randomBytes } from 'node:crypto'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Output } from '@shared/output'
import { COURIER_RECORD_FORMAT, COURIER_RECORD_KEY, type CourierRecord } from '@shared/provenance'
import { folderName } from '../library/paths'
import { fileLength, readsBackAs, writeDurablyInTurn } from '../library/write-durably'
import { readImageMetadata } from '../metadata/containers/image'
import { pngChunk, pngTextChunks } from '../metadata/containers/png'
import { parametersForRecord } from '../metadata/interpret/index'
import type { OutputsRepo } from '../store/outputs-repo'
import { promptOf } from '../store/search'
import type { StoredGrid } from '../store/grids-repo'
import type { GridEncoding } from './grid-image'
import { bandChunk, pngEnd, pngHead } from './grid-png'

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
 * Saves a grid image into the library as saved files are: the record written into the PNG (before its image
 * data, where readers look) and read back, the bytes hashed and written to `.part`, synced and read back, then
 * renamed to the final name, and only then the row. The file is written band by band as the bands are encoded
 * (`encodeGrid`), from their own buffers. A failure leaves no file behind; so does an image no longer wanted
 * once written (`wanted`: a re-run began meanwhile), and the answer is then null.
 */
export async function saveGridImage(deps: SaveGridImageDeps, grid: StoredGrid, image: GridEncoding, wanted: () => boolean = () => true): Promise<Output | null> {
  const now = (deps.now ?? Date.now)()
  const record = JSON.stringify(gridRecord(grid, deps.app, now))
  const parameters = parametersForRecord(JSON.parse(record) as CourierRecord, image)
  const text = pngTextChunks({ parameters, [COURIER_RECORD_KEY]: record })
  const head = pngHead(image.width, image.height, text)
  // The record as a reader finds it: the head of this very file (signature, IHDR, the text) read as a PNG.
  const headAlone = Buffer.concat([...head.slice(0, 2 + text.length), pngChunk('IEND', new Uint8Array(0))])
  if (readImageMetadata(headAlone)?.text[COURIER_RECORD_KEY] !== record) throw new Error('the grid record did not read back from the picture')

  const relative = gridImagePath(grid, now)
  const path = join(deps.libraryDir, ...relative.split('/'))
  const part = `${path}.part`
  await mkdir(dirname(path), { recursive: true })
  const hash = createHash('sha256')
  let pieces: Uint8Array[]
  try {
    const end = Promise.all(image.bands).then((bands) => pngEnd(image.width, image.height, bands))
    pieces = await writeDurablyInTurn(part, [head, ...image.bands.map((band) => band.then(bandChunk)), end], hash)
    if (!(await readsBackAs(part, pieces))) throw new Error('the grid image did not read back as written')
    if (!wanted()) {
      await rm(part, { force: true })
      return null
    }
    await rename(part, path)
  } catch (error) {
    await rm(part, { force: true })
    throw error
  }
  const sha256 = hash.digest('hex')
  try {
    return deps.outputs.insertGridImage({
      id: `o_${randomBytes(9).toString('base64url')}`,
      gridId: grid.id,
      root: deps.libraryDir,
      path: relative,
      kind: 'image',
      mime: 'image/png',
      bytes: fileLength(pieces),
      sha256,
      width: image.width,
      height: image.height,
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
