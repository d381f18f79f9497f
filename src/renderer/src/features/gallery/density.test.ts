import { describe, expect, it } from 'vitest'
import { DEFAULT_DENSITY, loadDensity, minTileOf, saveDensity } from './density'

function memoryStorage(): Storage {
  const m = new Map<string, string>()
  return {
    get length() {
      return m.size
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  }
}

describe('gallery density', () => {
  it('remembers the chosen size, and falls back to medium for anything else', () => {
    const storage = memoryStorage()
    expect(loadDensity(storage)).toBe(DEFAULT_DENSITY)
    saveDensity(storage, 'small')
    expect(loadDensity(storage)).toBe('small')
    storage.setItem('comfy-courier.gallery.density', 'huge')
    expect(loadDensity(storage)).toBe('medium')
    expect(loadDensity(null)).toBe('medium')
  })

  it('survives a storage that refuses', () => {
    const refusing = { ...memoryStorage(), getItem: () => { throw new Error('denied') }, setItem: () => { throw new Error('full') } } as Storage
    expect(loadDensity(refusing)).toBe('medium')
    expect(() => saveDensity(refusing, 'large')).not.toThrow()
  })

  it('makes small tiles narrower than medium, and medium than large', () => {
    expect(minTileOf('small')).toBeLessThan(minTileOf('medium'))
    expect(minTileOf('medium')).toBeLessThan(minTileOf('large'))
  })
})
