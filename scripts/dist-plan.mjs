// The decisions behind `npm run dist` (scripts/dist.mjs), kept pure so test/dist-script.test.ts can check
// them without a network, an Electron zip or electron-builder: where an Electron zip could come from,
// whether a failed electron-builder run was the network, and the one paragraph that explains it.
import { join } from 'node:path'

/** `electron-v41.7.1-linux-x64.zip`, as Electron's releases (and electron-builder) name them. */
export function electronZipName(version, platform, arch) {
  return `electron-v${version}-${platform}-${arch}.zip`
}

/** electron-builder's command-line switch for a Node platform name. */
export function builderPlatformFlag(platform) {
  switch (platform) {
    case 'darwin':
      return '--mac'
    case 'win32':
      return '--win'
    default:
      return '--linux'
  }
}

/** Where @electron/get (electron-builder's downloader) caches zips, per platform; a hashed folder per URL under it. */
export function electronGetCacheRoot({ platform, env, home }) {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Caches', 'electron')
    case 'win32':
      return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'electron', 'Cache')
    default:
      return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'electron')
  }
}

/**
 * Finds an Electron for electron-builder's `electronDist` that needs no download, in this order:
 * 1. `ELECTRON_CACHE` (or npm's `electron_config_cache`): a folder holding the zip itself;
 * 2. @electron/get's own cache (`~/.cache/electron/<hash>/<zip>`), where an earlier online run left it;
 * 3. `node_modules/electron/dist`, when Electron's installer did run and its version matches.
 * Returns `{ electronDist, source }` or null. `fs` is `{ exists(path), readdir(path), readFile(path) }`.
 */
export function findLocalElectron({ version, platform, arch, env, home, projectRoot, fs }) {
  const zip = electronZipName(version, platform, arch)
  for (const name of ['ELECTRON_CACHE', 'electron_config_cache']) {
    const dir = env[name]
    if (dir && fs.exists(join(dir, zip))) return { electronDist: dir, source: `${name} (${join(dir, zip)})` }
  }
  const root = electronGetCacheRoot({ platform, env, home })
  if (fs.exists(root)) {
    for (const entry of fs.readdir(root)) {
      const dir = join(root, entry)
      if (fs.exists(join(dir, zip))) return { electronDist: dir, source: `the Electron download cache (${join(dir, zip)})` }
    }
  }
  const dist = join(projectRoot, 'node_modules', 'electron', 'dist')
  const versionFile = join(dist, 'version')
  if (fs.exists(versionFile) && fs.readFile(versionFile).trim().replace(/^v/, '') === version) {
    return { electronDist: dist, source: `the installed Electron (${dist})` }
  }
  return null
}

/** Error words that mean "the network was not there", in electron-builder's and its downloaders' output. */
const NETWORK_FAILURE = [
  /\bENOTFOUND\b/,
  /\bEAI_AGAIN\b/,
  /\bECONNREFUSED\b/,
  /\bECONNRESET\b/,
  /\bETIMEDOUT\b/,
  /\bENETUNREACH\b/,
  /\bEHOSTUNREACH\b/,
  /\bESOCKETTIMEDOUT\b/,
  /getaddrinfo/i,
  /socket hang up/i,
  /unable to (?:get local issuer|verify the first) certificate/i,
  /\bRequestError\b/,
  /Cannot download\b/i,
]

/**
 * What a failed electron-builder run was about: 'offline' when its output shows a download that could not
 * reach the network (Electron's zip, or its own tools: AppImage, fpm, NSIS), 'failed' for anything else.
 */
export function classifyBuilderFailure(output) {
  return NETWORK_FAILURE.some((pattern) => pattern.test(output)) ? 'offline' : 'failed'
}

/**
 * The one plain paragraph `npm run dist` prints when packaging cannot finish for want of a network.
 * `missing` says what had to be downloaded: 'electron' (the zip) or 'tools' (electron-builder's own).
 */
export function offlineMessage({ version, platform, arch, missing = 'electron' }) {
  const zip = electronZipName(version, platform, arch)
  const why =
    missing === 'electron'
      ? `electron-builder needs Electron's zip for ${platform}-${arch} (${zip}) and there is no network here to fetch it`
      : `electron-builder had Electron but needed to download its own packaging tools for ${platform} and there is no network here to fetch them`
  return (
    `Comfy Courier was built (out/main, out/preload, out/renderer are ready; npm start or npm run web use them), ` +
    `but the installers could not be made: ${why}. ` +
    `To finish, run npm run dist on a machine with internet access, ` +
    `or set ELECTRON_CACHE to a folder containing ${zip} (from https://github.com/electron/electron/releases/tag/v${version}) and run it again` +
    (missing === 'tools' ? ' where electron-builder can also reach GitHub for its tools.' : '.')
  )
}

/**
 * Can this machine reach GitHub (where Electron's zips are)? Resolves the host and opens a TCP connection,
 * each bounded by `timeoutMs`, so an offline machine answers in seconds, not after electron-builder's retries.
 * `connect(host, port, timeoutMs)` resolves true/false; injected by tests.
 */
export async function networkReachable(connect, host = 'github.com', timeoutMs = 4000) {
  try {
    return await connect(host, 443, timeoutMs)
  } catch {
    return false
  }
}
