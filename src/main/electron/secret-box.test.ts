import { describe, expect, it } from 'vitest'
import { createSecretBox, type SafeStorageLike } from './secret-box'

/** Behaves like safeStorage: a reversible transform whose output differs from its input. */
function fakeSafeStorage(available: boolean, backend = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(`sealed:${[...plain].reverse().join('')}`),
    decryptString: (sealed) => {
      const text = sealed.toString()
      if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.')
      return [...text.slice('sealed:'.length)].reverse().join('')
    },
    getSelectedStorageBackend: () => backend,
  }
}

describe('createSecretBox', () => {
  it('seals with safeStorage as base64 text and opens it again', () => {
    const warnings: string[] = []
    const box = createSecretBox(fakeSafeStorage(true), 'linux', (w) => warnings.push(w))
    expect(box.kind).toBe('safeStorage')
    const sealed = box.seal('cd_live_key')
    expect(sealed).not.toContain('cd_live_key')
    expect(Buffer.from(sealed, 'base64').toString()).toMatch(/^sealed:/)
    expect(box.open(sealed)).toBe('cd_live_key')
    expect(warnings).toEqual([])
  })

  it('lets a failed decryption surface to core instead of returning garbage', () => {
    const box = createSecretBox(fakeSafeStorage(true), 'darwin', () => undefined)
    expect(() => box.open(Buffer.from('something else').toString('base64'))).toThrow(/decrypting/)
  })

  it('falls back to a plain-text file box, and says so, when no keychain exists', () => {
    const warnings: string[] = []
    const box = createSecretBox(fakeSafeStorage(false), 'linux', (w) => warnings.push(w))
    expect(box.kind).toBe('file')
    expect(box.seal('k')).toBe('k')
    expect(box.open('k')).toBe('k')
    expect(warnings.join(' ')).toMatch(/plain text/)
  })

  it("warns that Linux's basic_text backend only obfuscates", () => {
    const warnings: string[] = []
    const box = createSecretBox(fakeSafeStorage(true, 'basic_text'), 'linux', (w) => warnings.push(w))
    expect(box.kind).toBe('safeStorage')
    expect(warnings.join(' ')).toMatch(/basic_text/)
  })
})
