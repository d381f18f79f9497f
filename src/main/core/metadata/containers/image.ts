import { emptyRaw, type MetadataToWrite, type RawMetadata } from '../raw'
import { putAllFirst } from './bytes'
import { isJpeg, readJpeg, stripJpeg, writeJpeg } from './jpeg'
import { isPng, readPng, stripPng, writePng } from './png'
import { isWebp, readWebp, stripWebp, writeWebp } from './webp'
import { MetadataWriteError } from './write-error'
import { courierProperties } from './xmp'

/**
 * Metadata in still images, read and written without touching the pixels: PNG text chunks, JPEG and WebP
 * EXIF and XMP. Every write keeps the file's other chunks and segments byte for byte.
 */

export { MetadataWriteError }

export type ImageContainer = 'png' | 'jpeg' | 'webp'

/** Which of the containers we read the bytes are, by their magic numbers. */
export function imageContainer(bytes: Uint8Array): ImageContainer | null {
  if (isPng(bytes)) return 'png'
  if (isJpeg(bytes)) return 'jpeg'
  if (isWebp(bytes)) return 'webp'
  return null
}

const READERS: Record<ImageContainer, (bytes: Uint8Array, raw: RawMetadata) => void> = { png: readPng, jpeg: readJpeg, webp: readWebp }

/**
 * What the file carries, or null when it is not PNG, JPEG or WebP. Files come from anywhere, so this never
 * throws: a truncated or hostile file gives what could be read before the damage.
 */
export function readImageMetadata(bytes: Uint8Array): RawMetadata | null {
  const container = imageContainer(bytes)
  if (!container) return null
  const raw = emptyRaw()
  try {
    READERS[container](bytes, raw)
  } catch {
    // The readers are written not to throw; should one still, what it had read so far is the answer.
  }
  // The main packet first: its values win over the extended packet's, as in Adobe's toolkit.
  for (const packet of [raw.xmp, raw.xmpExtended]) {
    if (packet === null || packet === undefined) continue
    try {
      putAllFirst(raw.text, courierProperties(packet))
    } catch {
      // As above: a packet we cannot scan adds nothing.
    }
  }
  return raw
}

/**
 * The file with `add` written in, losslessly: PNG gets `add.text` as text chunks; JPEG and WebP get
 * `add.userComment` in EXIF and `add.xmp` in XMP (they have no place for `add.text`, which is ignored).
 * Throws MetadataWriteError for a file it cannot parse or metadata that does not fit (use a sidecar).
 */
export function writeImageMetadata(bytes: Uint8Array, add: MetadataToWrite): Uint8Array {
  switch (imageContainer(bytes)) {
    case 'png':
      return writePng(bytes, add.text)
    case 'jpeg':
      return writeJpeg(bytes, add)
    case 'webp':
      return writeWebp(bytes, add)
    default:
      throw new MetadataWriteError('not a PNG, JPEG or WebP file')
  }
}

/** The file without generation data: PNG text/`comf`/`eXIf` chunks, JPEG EXIF/XMP/COM, WebP EXIF/XMP. */
export function stripImageMetadata(bytes: Uint8Array): Uint8Array {
  switch (imageContainer(bytes)) {
    case 'png':
      return stripPng(bytes)
    case 'jpeg':
      return stripJpeg(bytes)
    case 'webp':
      return stripWebp(bytes)
    default:
      throw new MetadataWriteError('not a PNG, JPEG or WebP file')
  }
}
