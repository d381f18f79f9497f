/**
 * The web host's last line of defence, in a real process: a stray rejection is logged and the process
 * goes on; an uncaught exception is logged (on disk before the exit) and the process stops with code 1.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { removeDir } from '../support/core-fixture'

describe('uncaught failures in the web host process', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const dir of dirs) await removeDir(dir)
  })

  it('logs a stray rejection and keeps running, then logs an uncaught exception and exits with 1', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'courier-faults-'))
    dirs.push(dataDir)
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/faulty-process.ts', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))

    expect(stdout).toBe('still running\n')
    expect(code).toBe(1)
    const lines = (await readFile(join(dataDir, 'logs', 'courier.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: string; scope: string; message: string; error: string })
    expect(lines).toMatchObject([
      { level: 'error', scope: 'web', message: 'unhandled rejection; still serving' },
      { level: 'error', scope: 'web', message: 'uncaught exception; stopping' },
    ])
    expect(lines[0]!.error).toContain('nobody awaited this')
    expect(lines[1]!.error).toContain('thrown half way through')
  })
})
