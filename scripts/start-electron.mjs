// `npm start`: builds and runs the Electron app where Electron can run, and says plainly why not where
// it cannot (binary missing and undownloadable, no display), pointing to `npm run web` (ARCHITECTURE §4).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { findElectronBinary, projectRoot } from './electron-binary.mjs'

const INSTALL_TIMEOUT_MS = 120_000
const WEB_HINT = 'Run the app in your browser instead: npm run web'

/** Arguments for the app: everything after `--` if present, else everything (npm strips its own `--`). */
function appArgs(argv) {
  const dashes = argv.indexOf('--')
  return dashes === -1 ? argv : argv.slice(dashes + 1)
}

function fail(line) {
  process.stderr.write(`Comfy Courier: ${line}\n`)
  process.exit(1)
}

/**
 * Runs Electron's own installer (node_modules/electron/install.js), quietly, with a deadline. Resolves
 * with what went wrong in a few words (its first error line), or null when it reported success.
 */
function runElectronInstaller(packageDir) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], {
      cwd: packageDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 4096) stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve(`the installer gave no answer within ${INSTALL_TIMEOUT_MS / 1000} s`)
    }, INSTALL_TIMEOUT_MS)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve(`the installer could not start: ${error.message}`)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) return resolve(null)
      const firstLine = stderr.split('\n').find((line) => line.trim() !== '')
      resolve(`the installer said: ${firstLine?.trim() ?? `exit ${signal ?? code}`}`)
    })
  })
}

/** Runs a command with inherited stdio; resolves with its exit code, forwarding Ctrl-C and kills to it. */
function run(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options })
    const forward = (signal) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('error', (error) => {
      process.stderr.write(`Comfy Courier: could not run ${command}: ${error.message}\n`)
      resolve(1)
    })
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolve(code ?? (signal ? 1 : 0))
    })
  })
}

async function main() {
  let binary = findElectronBinary()
  if (!binary.found) {
    if (binary.problem !== 'missing') fail(`${binary.reason}. ${WEB_HINT}`)
    process.stdout.write("Electron's binary is not installed yet; fetching it…\n")
    const problem = await runElectronInstaller(binary.packageDir)
    binary = findElectronBinary()
    if (!binary.found) {
      const detail = problem ?? binary.reason
      fail(`the Electron binary could not be downloaded (offline? ${detail}). ${WEB_HINT}`)
    }
  }

  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    fail(`there is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window can open. ${WEB_HINT}`)
  }

  const buildCode = await run(process.execPath, [join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: projectRoot,
  })
  if (buildCode !== 0) fail(`the build failed (electron-vite build exited with ${buildCode}).`)

  // ELECTRON_RUN_AS_NODE (set by some editors' terminals) would make the binary a plain Node.
  const env = { ...process.env }
  delete env.ELECTRON_RUN_AS_NODE
  process.exit(await run(binary.path, ['.', ...appArgs(process.argv.slice(2))], { cwd: projectRoot, env }))
}

await main()
