// Finds the Electron binary through files, never by importing `electron`: that package's index throws
// when the binary is missing, and its install step downloads. Shared by `npm start` and the Electron
// Playwright spec, so both look in the same place and explain a miss the same way.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project folder: this file lives in <root>/scripts. */
export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Where Electron's installer puts the executable inside dist/, per platform (as node_modules/electron/install.js). */
function platformExecutable(platform) {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return 'Electron.app/Contents/MacOS/Electron'
    case 'win32':
      return 'electron.exe'
    default:
      return 'electron'
  }
}

/**
 * @param {string} [root] the project folder
 * @returns {import('./electron-binary.d.mts').ElectronBinaryLookup}
 */
export function findElectronBinary(root = projectRoot) {
  const packageDir = join(root, 'node_modules', 'electron')
  if (!existsSync(join(packageDir, 'package.json'))) {
    return {
      found: false,
      problem: 'no-package',
      path: packageDir,
      packageDir,
      reason: `the electron package is not installed at ${packageDir} (run npm ci)`,
    }
  }
  // path.txt is written by Electron's installer once the zip is unpacked; without it, look where the
  // installer would have put the executable, so the message names a real path.
  const pathFile = join(packageDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : platformExecutable(process.platform)
  // Honoured by Electron's own index.js too: a binary kept outside node_modules.
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist')
  const path = join(distDir, relative)

  if (!existsSync(path)) {
    const why = existsSync(pathFile) ? 'it is missing' : "Electron's installer has not run (no path.txt)"
    return { found: false, problem: 'missing', path, packageDir, reason: `no Electron binary at ${path}: ${why}` }
  }
  try {
    accessSync(path, constants.X_OK)
  } catch {
    return { found: false, problem: 'not-executable', path, packageDir, reason: `the Electron binary at ${path} is not executable` }
  }
  return { found: true, path, packageDir }
}
