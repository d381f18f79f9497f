// Draws resources/icon.png (512×512): a paper plane in teal on a dark rounded square, the "courier" mark.
// Plain geometry, 4×4 supersampling for smooth edges, PNG written with node:zlib. Run: node resources/make-icon.mjs
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const SIZE = 512
const SS = 4 // samples per pixel side

const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16))
const TOP = hex('#17222d')
const BOTTOM = hex('#0b1016')
const LIGHT = hex('#5eead4')
const TEAL = hex('#2dd4bf')
const DEEP = hex('#0f766e')

function inRoundedSquare(x, y, min, max, r) {
  const cx = Math.min(Math.max(x, min + r), max - r)
  const cy = Math.min(Math.max(y, min + r), max - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

function inTriangle(x, y, [a, b, c]) {
  const side = (p, q) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])
  const d1 = side(a, b)
  const d2 = side(b, c)
  const d3 = side(c, a)
  return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0)
}

function nearSegment(x, y, [ax, ay], [bx, by], radius) {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
  return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= radius * radius
}

// The plane flies up and to the right; its two wings meet along the fold F.
const NOSE = [384, 136]
const WING = [124, 262]
const FOLD = [238, 298]
const TAIL = [302, 392]
const TUCK = [240, 356]
const shapes = [
  { color: LIGHT, hit: (x, y) => inTriangle(x, y, [WING, NOSE, FOLD]) },
  { color: TEAL, hit: (x, y) => inTriangle(x, y, [FOLD, NOSE, TAIL]) },
  { color: DEEP, hit: (x, y) => inTriangle(x, y, [FOLD, TAIL, TUCK]) },
  // Two speed lines behind it, parallel to its flight.
  { color: DEEP, hit: (x, y) => nearSegment(x, y, [112, 350], [172, 322], 9) },
  { color: DEEP, hit: (x, y) => nearSegment(x, y, [150, 404], [204, 379], 9) },
]

function sample(x, y) {
  if (!inRoundedSquare(x, y, 32, 480, 104)) return null
  for (const shape of shapes) if (shape.hit(x, y)) return shape.color
  const t = (y - 32) / 448
  return TOP.map((top, i) => top + (BOTTOM[i] - top) * t)
}

const rows = []
for (let py = 0; py < SIZE; py++) {
  const row = Buffer.alloc(1 + SIZE * 4) // leading 0: PNG filter "none"
  for (let px = 0; px < SIZE; px++) {
    let r = 0
    let g = 0
    let b = 0
    let covered = 0
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const color = sample(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
        if (!color) continue
        r += color[0]
        g += color[1]
        b += color[2]
        covered++
      }
    }
    const o = 1 + px * 4
    if (covered > 0) {
      row[o] = Math.round(r / covered)
      row[o + 1] = Math.round(g / covered)
      row[o + 2] = Math.round(b / covered)
      row[o + 3] = Math.round((255 * covered) / (SS * SS))
    }
  }
  rows.push(row)
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buffer) {
  let c = 0xffffffff
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

const header = Buffer.alloc(13)
header.writeUInt32BE(SIZE, 0)
header.writeUInt32BE(SIZE, 4)
header[8] = 8 // bits per channel
header[9] = 6 // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
])
writeFileSync(new URL('./icon.png', import.meta.url), png)
console.log(`resources/icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`)
