import { encodePng, type RgbImage } from './png'

/** FNV-1a over UTF-16 code units, then an avalanche step so near-identical keys land far apart. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** mulberry32: tiny, fast and good enough to pick colours; the same seed always draws the same picture. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rgb = [number, number, number]

function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h * 12) % 12
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))
  return [f(0) * 255, f(8) * 255, f(4) * 255]
}

export interface PictureSpec {
  /** Anything that should change the picture: the sim passes `${prompt}|${seed}|${steps}` (+ batch index). */
  key: string
  width?: number
  height?: number
  /** Adds visible ripples: more steps, finer detail, so a steps change shows in the picture too. */
  detail?: number
}

/**
 * Draws a deterministic abstract picture: an angled two-colour gradient, a few soft glowing circles and a
 * faint plasma ripple, all placed and coloured by a PRNG seeded from the key. Different keys give visibly
 * different pictures, which lets a person (or a test) tell outputs of different runs apart.
 */
export function renderPicture({ key, width = 512, height = 512, detail = 20 }: PictureSpec): RgbImage {
  const rand = mulberry32(hash32(key))
  const baseHue = rand()
  const top = hsl(baseHue, 0.55 + rand() * 0.35, 0.18 + rand() * 0.2)
  const bottom = hsl((baseHue + 0.25 + rand() * 0.5) % 1, 0.5 + rand() * 0.4, 0.45 + rand() * 0.25)
  const angle = rand() * Math.PI * 2
  const ax = Math.cos(angle)
  const ay = Math.sin(angle)

  const blobs = Array.from({ length: 4 + Math.floor(rand() * 4) }, () => ({
    x: rand() * width,
    y: rand() * height,
    r: (0.08 + rand() * 0.22) * Math.min(width, height),
    color: hsl((baseHue + rand()) % 1, 0.7 + rand() * 0.3, 0.5 + rand() * 0.2),
    strength: 0.35 + rand() * 0.5,
  }))

  const freq = (0.5 + Math.min(Math.max(detail, 1), 200) / 10) / Math.min(width, height)
  const phase = rand() * Math.PI * 2
  const tilt = rand() * Math.PI

  // The ripple and the blobs are separable in x and y, so per-row and per-column tables replace the
  // per-pixel sin/exp calls: this keeps a 512×512 picture well under the 50 ms budget.
  const rippleAmp = 0.06
  const kx = Math.cos(tilt) * freq * Math.PI * 2
  const ky = Math.sin(tilt) * freq * Math.PI * 2
  const sinX = Float32Array.from({ length: width }, (_, x) => Math.sin(x * kx))
  const cosX = Float32Array.from({ length: width }, (_, x) => Math.cos(x * kx))
  const diag = Math.abs(ax) * width + Math.abs(ay) * height

  const acc = new Float32Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    const sy = Math.sin(y * ky + phase)
    const cy = Math.cos(y * ky + phase)
    const ty = ((y - height / 2) * ay) / diag + 0.5
    for (let x = 0; x < width; x++) {
      const t = ty + ((x - width / 2) * ax) / diag
      // sin(a + b) = sin a cos b + cos a sin b
      const ripple = 1 + rippleAmp * ((sinX[x] ?? 0) * cy + (cosX[x] ?? 0) * sy)
      const i = (y * width + x) * 3
      acc[i] = (top[0] + (bottom[0] - top[0]) * t) * ripple
      acc[i + 1] = (top[1] + (bottom[1] - top[1]) * t) * ripple
      acc[i + 2] = (top[2] + (bottom[2] - top[2]) * t) * ripple
    }
  }

  // Each blob only touches its bounding box (3 radii): beyond that its glow is below one grey level.
  for (const b of blobs) {
    const reach = b.r * 3
    const x0 = Math.max(0, Math.floor(b.x - reach))
    const x1 = Math.min(width - 1, Math.ceil(b.x + reach))
    const y0 = Math.max(0, Math.floor(b.y - reach))
    const y1 = Math.min(height - 1, Math.ceil(b.y + reach))
    const inv = 1 / (b.r * b.r)
    const gx = Float32Array.from({ length: x1 - x0 + 1 }, (_, k) => Math.exp(-((x0 + k - b.x) ** 2) * inv))
    for (let y = y0; y <= y1; y++) {
      const gy = b.strength * Math.exp(-((y - b.y) ** 2) * inv)
      for (let x = x0; x <= x1; x++) {
        const w = gy * (gx[x - x0] ?? 0)
        const i = (y * width + x) * 3
        acc[i] = (acc[i] ?? 0) * (1 - w) + b.color[0] * w
        acc[i + 1] = (acc[i + 1] ?? 0) * (1 - w) + b.color[1] * w
        acc[i + 2] = (acc[i + 2] ?? 0) * (1 - w) + b.color[2] * w
      }
    }
  }

  // Uint8ClampedArray rounds and clamps, so overshoot from the ripple cannot wrap around.
  const pixels = new Uint8Array(new Uint8ClampedArray(acc).buffer)
  return { width, height, pixels }
}

/** Convenience for the run timeline: picture → PNG bytes. */
export function renderPng(spec: PictureSpec): Buffer {
  return encodePng(renderPicture(spec))
}
