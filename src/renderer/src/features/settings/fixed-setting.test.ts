import { describe, expect, it } from 'vitest'
import { fixedBy, fixedNote, isFullPath } from './fixed-setting'

describe('fixed settings', () => {
  it('names the environment variable or the option, and what to do, in a sentence', () => {
    expect(fixedNote({ by: 'env', name: 'COURIER_LIBRARY_DIR' }, 'the folder')).toBe(
      'This is set by the COURIER_LIBRARY_DIR environment variable when Comfy Courier starts, so it cannot be changed here. To choose the folder here, start Comfy Courier without COURIER_LIBRARY_DIR.',
    )
    expect(fixedNote({ by: 'flag', name: '--library-dir' }, 'the folder')).toContain('set by the --library-dir option')
  })

  it('reads what fixes a setting from the view, and nothing from an older core', () => {
    expect(fixedBy(null, 'libraryDir')).toBeNull()
    const view = { fixed: { libraryDir: { by: 'env' as const, name: 'COURIER_LIBRARY_DIR' } } } as unknown as Parameters<typeof fixedBy>[0]
    expect(fixedBy(view, 'libraryDir')).toEqual({ by: 'env', name: 'COURIER_LIBRARY_DIR' })
    expect(fixedBy(view, 'tunnelMode')).toBeNull()
  })

  it('tells a full path from a relative one on every system', () => {
    for (const full of ['/home/ada/Pictures', 'C:\\Users\\ada', 'D:/out', '\\\\nas\\share']) expect(isFullPath(full)).toBe(true)
    for (const partial of ['outputs', './outputs', '~/Pictures', 'C:relative', '']) expect(isFullPath(partial)).toBe(false)
  })
})
