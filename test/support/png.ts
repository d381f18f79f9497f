import { PNG } from 'pngjs'

/** Fully decodes a PNG (every chunk CRC and the pixel data): throws if the file is not a valid image. */
export function decodePng(bytes: Buffer): { width: number; height: number; data: Buffer } {
  const png = PNG.sync.read(bytes, { checkCRC: true })
  return { width: png.width, height: png.height, data: png.data }
}
