import type { SecretBox } from '../core/core-types'

/** The part of Electron's `safeStorage` we use, typed here so this module runs (and is tested) without Electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plain: string): Buffer
  decryptString(sealed: Buffer): string
  getSelectedStorageBackend?(): string
}

/**
 * API keys at rest. With the OS keychain (Keychain, DPAPI, libsecret/kwallet) they are sealed by
 * `safeStorage`; where none exists, a clearly-labelled 'file' box keeps them as plain text, relying on
 * core writing settings.json with mode 0600 — the same protection web mode has.
 * Must be built after `app.whenReady()`: on Linux `safeStorage` cannot answer earlier.
 */
export function createSecretBox(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
  warn: (message: string) => void,
): SecretBox {
  if (!safeStorage.isEncryptionAvailable()) {
    warn(
      'safeStorage is not available (no OS keychain): API keys will be stored as plain text in settings.json, ' +
        'readable only by this user (mode 0600).',
    )
    return { kind: 'file', seal: (plain) => plain, open: (sealed) => sealed }
  }
  // On Linux without a desktop keyring Chromium still "encrypts", with a fixed key: better than nothing,
  // but the user should know the keys are only obfuscated.
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    warn('safeStorage is using its basic_text backend (no keyring found): API keys are obfuscated, not encrypted.')
  }
  return {
    kind: 'safeStorage',
    seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
    // Throws when the keychain entry changed (a new OS profile, a reset keyring); core decides what a
    // key that cannot be opened means, so the error is not swallowed here.
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  }
}
