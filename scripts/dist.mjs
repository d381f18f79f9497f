// `npm run dist`: the installers for this platform. 1) electron-vite build (the bundles in out/);
// 2) electron-builder (electron-builder.yml) for the current platform, into dist/.
// electron-builder downloads Electron's zip (and, per target, its own tools) from GitHub. Offline that
// cannot work, so before starting it this script looks for an Electron that needs no download
// (ELECTRON_CACHE, the download cache, node_modules/electron/dist) and, when there is none, checks in a
// few seconds whether GitHub is reachable at all; if not it explains in one paragraph and exits 1 instead
// of letting electron-builder retry. A run that still fails on the network is explained the same way.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { connect as tcpConnect } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { projectRoot } from './electron-binary.mjs'
import { builderPlatformFlag, classifyBuilderFailure, findLocalElectron, networkReachable, offlineMessage } from './dist-plan.mjs'

const say = (line) => process.stdout.write(`${line}\n`)
const fail = (paragraph, code = 1) => {
  process.stderr.write(`\n${paragraph}\n`)
  process.exit(code)
}

const started = Date.now()
const version = JSON.parse(readFileSync(join(projectRoot, 'node_modules', 'electron', 'package.json'), 'utf8')).version
const { platform, arch } = process
const node = process.execPath

// 1. The bundles. This must work everywhere, network or not.
say('── electron-vite build')
const build = spawnSync(node, [join(projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
  cwd: projectRoot,
  stdio: 'inherit',
})
if (build.status !== 0) fail('Comfy Courier: electron-vite build failed (see above); no installer was attempted.', build.status ?? 1)

// 2. An Electron that needs no download, or a network to fetch one.
const local = findLocalElectron({
  version,
  platform,
  arch,
  env: process.env,
  home: homedir(),
  projectRoot,
  fs: {
    exists: existsSync,
    readdir: (dir) => {
      try {
        return readdirSync(dir)
      } catch {
        return []
      }
    },
    readFile: (file) => readFileSync(file, 'utf8'),
  },
})

const connect = (host, port, timeoutMs) =>
  new Promise((resolve) => {
    const socket = tcpConnect({ host, port })
    const done = (ok) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })

if (local) say(`── using Electron ${version} from ${local.source}`)
else if (!(await networkReachable(connect))) {
  fail(offlineMessage({ version, platform, arch, missing: 'electron' }))
}

// 3. electron-builder, its output shown as it goes and kept to explain a failure.
const args = [
  join(projectRoot, 'node_modules', 'electron-builder', 'cli.js'),
  builderPlatformFlag(platform),
  '--publish',
  'never',
  ...(local ? [`--config.electronDist=${local.electronDist}`] : []),
]
say(`── electron-builder ${args.slice(1).join(' ')}`)
let output = ''
const keep = (chunk, stream) => {
  stream.write(chunk)
  output = (output + chunk.toString()).slice(-200_000)
}
const child = spawn(node, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] })
child.stdout.on('data', (chunk) => keep(chunk, process.stdout))
child.stderr.on('data', (chunk) => keep(chunk, process.stderr))
const code = await new Promise((resolve) => child.once('close', (status) => resolve(status ?? 1)))

if (code === 0) {
  say(`── installers are in dist/ (${Math.round((Date.now() - started) / 1000)} s)`)
  process.exit(0)
}
if (classifyBuilderFailure(output) === 'offline') fail(offlineMessage({ version, platform, arch, missing: local ? 'tools' : 'electron' }))
fail(`Comfy Courier: electron-builder failed (exit ${code}; see its output above). The bundles in out/ are built.`, code)
