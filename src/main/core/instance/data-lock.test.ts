import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { acquireDataLock, describeHolder, LOCK_FILE, processAlive, readLock } from './data-lock'
import { publishWebEndpoint, readWebEndpoint, WEB_ENDPOINT_FILE, withdrawWebEndpoint } from './web-endpoint'

describe('the data folder lock', () => {
  const dirs: string[] = []
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-lock-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('is taken by one holder, names it to the next, and is gone once released', () => {
    const dir = folder()
    const first = acquireDataLock(dir, 'web')
    expect(first.ok).toBe(true)
    expect(readLock(dir)).toMatchObject({ pid: process.pid, kind: 'web' })
    // Another process asking: simulated by a lock naming a live process that is not us (our parent).
    if (first.ok) first.lock.release()
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, kind: 'cli', startedAt: 1 }))
    const second = acquireDataLock(dir, 'web')
    expect(second).toEqual({ ok: false, holder: { pid: process.ppid, kind: 'cli', startedAt: 1 } })
    if (!second.ok) expect(describeHolder(second.holder)).toBe(`another courier command, process ${process.ppid}`)
  })

  it('takes over a lock whose process is gone, or that cannot be read', () => {
    const dir = folder()
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!
    expect(processAlive(dead)).toBe(false)
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, kind: 'web', startedAt: 1 }))
    const taken = acquireDataLock(dir, 'cli')
    expect(taken.ok).toBe(true)
    expect(readLock(dir)).toMatchObject({ pid: process.pid, kind: 'cli' })
    if (taken.ok) taken.lock.release()
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)

    writeFileSync(join(dir, LOCK_FILE), '{"pid":')
    const again = acquireDataLock(dir, 'cli')
    expect(again.ok).toBe(true)
    if (again.ok) again.lock.release()
  })

  it('makes the data folder when it does not exist yet', () => {
    const dir = join(folder(), 'new', 'folder')
    const taken = acquireDataLock(dir, 'electron')
    expect(taken.ok).toBe(true)
    if (taken.ok) taken.lock.release()
  })

  it('publishes the web endpoint user-only, and withdraws only its own', () => {
    const dir = folder()
    publishWebEndpoint(dir, { url: 'http://127.0.0.1:4178', pid: process.pid, startedAt: 5 })
    expect(readWebEndpoint(dir)).toEqual({ url: 'http://127.0.0.1:4178', pid: process.pid, startedAt: 5 })
    if (process.platform !== 'win32') expect(statSync(join(dir, WEB_ENDPOINT_FILE)).mode & 0o777).toBe(0o600)
    withdrawWebEndpoint(dir)
    expect(readWebEndpoint(dir)).toBeNull()
    writeFileSync(join(dir, WEB_ENDPOINT_FILE), JSON.stringify({ url: 'http://127.0.0.1:1', pid: process.ppid, startedAt: 1 }))
    withdrawWebEndpoint(dir)
    expect(readWebEndpoint(dir)?.pid).toBe(process.ppid)
  })
})
