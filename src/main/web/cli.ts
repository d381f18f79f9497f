import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { resolveDataDir } from '../core/config/data-dir'
import { createCore } from '../core/create-core'
import { acquireDataLock, describeHolder } from '../core/instance/data-lock'
import { publishWebEndpoint, WEB_TOKEN_FILE, withdrawWebEndpoint } from '../core/instance/web-endpoint'
import { parseFlags } from './flags'
import { logUncaughtFaults } from './process-faults'
import { startWebHost } from './web-host'

const DEFAULT_PORT = 4178

/** The access token survives restarts, so an open tab or bookmark keeps working; it is user-only. */
function loadToken(dataDir: string): string {
  const file = join(dataDir, WEB_TOKEN_FILE)
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim()
    if (/^[A-Za-z0-9_-]{32,}$/.test(token)) return token
  }
  const token = randomBytes(24).toString('base64url')
  writeFileSync(file, token, { mode: 0o600 })
  return token
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2))
  const dataDir = resolveDataDir(flags['data-dir'], process.env)
  mkdirSync(dataDir, { recursive: true })
  // One core per data folder: the desktop app or a `courier` command running its own core may have it open.
  const locked = acquireDataLock(dataDir, 'web')
  if (!locked.ok) {
    throw new Error(`the data folder ${dataDir} is in use by ${describeHolder(locked.holder)}; stop it first, or choose another folder with --data-dir`)
  }
  const core = createCore({ dataDir, mode: 'web', flags, env: process.env, demoPainterWorker: join(import.meta.dirname, 'painter-worker.js') })
  logUncaughtFaults(process, core.log.child('web'))
  await core.start()
  const rendererDir = join(import.meta.dirname, '../renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`the renderer is not built (${rendererDir}): run npm run build`)
  const wanted = Number(flags.port ?? process.env.COURIER_PORT ?? DEFAULT_PORT)
  const token = loadToken(dataDir)
  const host = await startWebHost({ core, port: wanted, rendererDir, token }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || flags.port !== undefined) throw error
    return startWebHost({ core, port: 0, rendererDir, token }) // the usual port is taken: any free one will do
  })
  // The `courier` command line finds this host through web.json (and the token in web-token).
  publishWebEndpoint(dataDir, { url: host.origin, pid: process.pid, startedAt: Date.now() })
  process.on('exit', () => withdrawWebEndpoint(dataDir))
  const status = await core.call('tunnel.status', {})
  const publicUrl = status.ok ? status.value.publicUrl : null
  process.stdout.write(`${JSON.stringify({ event: 'ready', web: host.url, listener: core.listenerUrl(), publicUrl })}\n`)
  process.stderr.write(`\nComfy Courier is running. Open this link in your browser:\n\n  ${host.url}\n\nPress Ctrl+C to stop.\n\n`)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    withdrawWebEndpoint(dataDir)
    await host.close()
    await core.stop()
    locked.lock.release()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  process.stderr.write(`Comfy Courier could not start: ${(error as Error).message}\n`)
  process.exit(1)
})
