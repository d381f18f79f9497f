import type { RgbImage } from './png'

/**
 * WebP and JPEG through sharp (prebuilt libvips), loaded on first use so a simulator that never draws one
 * does not pay for loading the native module.
 */
export async function encodeImage(image: RgbImage, format: 'webp' | 'jpeg'): Promise<Buffer> {
  const { default: sharp } = await import('sharp')
  const pipeline = sharp(Buffer.from(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
  return format === 'webp' ? pipeline.webp({ quality: 80 }).toBuffer() : pipeline.jpeg({ quality: 85, mozjpeg: true }).toBuffer()
}
