import { join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { finalType, outputTarget, safeProviderName } from './output-target'

const library = join('/', 'home', 'me', 'Pictures', 'Comfy Courier')
const run = { id: 'r_AbCdEfGh123', createdAt: new Date(2025, 5, 1, 12).getTime(), deploymentName: 'Dreamscape SDXL' }

describe('output names come from our ids', () => {
  const hostile = ['../../x', '/etc/passwd', 'C:\\x', 'C:\\Windows\\system32\\evil.exe', 'a\u0000b.png', `${'a'.repeat(300)}.png`, '..', '.', 'CON', '../../../.bashrc.png', '']

  it.each(hostile)('a provider file name %j never reaches the path beyond a known extension', (filename) => {
    const target = outputTarget(library, run, 0)
    const type = finalType(null, null, filename)
    const path = target.pathFor(type.ext)
    expect(relative(library, path).split(sep)).toEqual(['2025-06-01', 'dreamscape-sdxl', `rAbCdEfG-1.${type.ext}`])
    expect(['png', 'bin']).toContain(type.ext)
    expect(target.partPath).toBe(join(library, '2025-06-01', 'dreamscape-sdxl', 'rAbCdEfG-1.part'))
  })

  it('keeps only a clean last segment of a provider name', () => {
    expect(safeProviderName('../../x')).toBe('x')
    expect(safeProviderName('C:\\dir\\clip.mp4')).toBe('clip.mp4')
    expect(safeProviderName('a\u0000b.png')).toBe('ab.png')
    expect(safeProviderName('..')).toBeNull()
    expect(safeProviderName(`${'a'.repeat(300)}.png`)!.length).toBeLessThanOrEqual(100)
  })

  it('types from the bytes first, then the header, then the name, else .bin', () => {
    expect(finalType({ mime: 'image/webp', ext: 'webp', kind: 'image' }, 'image/png', 'x.png').ext).toBe('webp')
    expect(finalType(null, 'video/mp4', 'x.png').ext).toBe('mp4')
    expect(finalType(null, 'application/octet-stream', 'clip.WEBM').ext).toBe('webm')
    expect(finalType(null, null, 'payload.sh')).toEqual({ mime: 'application/octet-stream', ext: 'bin', kind: 'file' })
  })

  it('cannot be steered out of the library by a deployment name either', () => {
    const target = outputTarget(library, { ...run, deploymentName: '../../../etc' }, 2)
    expect(relative(library, target.pathFor('png')).startsWith('..')).toBe(false)
  })
})
