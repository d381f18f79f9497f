// Draws the tray images from resources/icon.png (run `node resources/make-icon.mjs` first if it changed):
//   tray-16.png, tray-32.png            the coloured mark, for the Windows and Linux trays
//   trayTemplate.png, trayTemplate@2x.png  macOS menu-bar "template" images: black, shape in alpha only,
//                                        which macOS tints for light and dark menu bars
// Run: node resources/make-tray-icons.mjs
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

const here = dirname(fileURLToPath(import.meta.url))
const icon = join(here, 'icon.png')

for (const size of [16, 32]) {
  await sharp(icon).resize(size, size, { kernel: 'lanczos3' }).png().toFile(join(here, `tray-${size}.png`))
}

// The template: the plane and its speed lines (every teal pixel) as opaque black, the dark square gone.
// The mask is made at full size and then scaled, so its edges stay smooth at 16 and 32 px.
const { data, info } = await sharp(icon).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
const mask = Buffer.alloc(info.width * info.height * 4)
for (let i = 0; i < info.width * info.height; i++) {
  const green = data[i * 4 + 1]
  const alpha = data[i * 4 + 3]
  // Background greens stay under ~0x22; the darkest teal is 0x76. Anything between fades in.
  const shape = Math.max(0, Math.min(1, (green - 48) / (110 - 48)))
  mask[i * 4 + 3] = Math.round(shape * alpha)
}
// Template images want a little margin: crop the empty border the rounded square left.
const template = sharp(mask, { raw: { width: info.width, height: info.height, channels: 4 } })
for (const [name, size] of [['trayTemplate.png', 16], ['trayTemplate@2x.png', 32]]) {
  await template.clone().extract({ left: 72, top: 72, width: 368, height: 368 }).resize(size, size, { kernel: 'lanczos3' }).png().toFile(join(here, name))
}
process.stdout.write('wrote tray-16.png, tray-32.png, trayTemplate.png, trayTemplate@2x.png\n')
