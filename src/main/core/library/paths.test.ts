import { describe, expect, it } from 'vitest'
import { folderName, outputRelativePath, savedType } from './paths'

describe('library paths', () => {
  it('names files from our ids and the date, never from the provider', () => {
    const path = outputRelativePath({
      createdAt: new Date(2026, 10, 25, 13, 5).getTime(),
      deploymentName: 'Dreamscape SDXL',
      runId: 'r_1a2b3c4d5e6f',
      index: 0,
      ext: 'png',
    })
    expect(path).toBe('2026-11-25/dreamscape-sdxl/r1a2b3c4-1.png')
  })

  it('makes hostile deployment names into safe folder names', () => {
    expect(folderName('../../etc/passwd')).toBe('etcpasswd')
    expect(folderName('CON')).toBe('deployment')
    expect(folderName('   ')).toBe('deployment')
    expect(folderName('a/b\\c:d*e')).toBe('abcde')
  })

  it('trusts a known MIME type, else a known extension, else saves as .bin', () => {
    expect(savedType('image/png; charset=binary', 'x.exe')).toEqual({ mime: 'image/png', ext: 'png', kind: 'image' })
    expect(savedType('application/octet-stream', 'clip.webm')).toEqual({ mime: 'video/webm', ext: 'webm', kind: 'video' })
    expect(savedType(null, 'payload.sh')).toEqual({ mime: 'application/octet-stream', ext: 'bin', kind: 'file' })
  })
})
