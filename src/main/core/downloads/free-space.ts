import { stat, statfs } from 'node:fs/promises'
import { dirname, parse, resolve } from 'node:path'

/** Bytes free to this user on the volume holding `dir`; null when the system cannot tell. Injectable for tests. */
export type FreeSpaceProbe = (dir: string) => Promise<number | null>

/** The nearest folder of `dir` that exists (the library's dated folders are made on first save). */
async function existingAncestor(dir: string): Promise<string> {
  let at = resolve(dir)
  for (;;) {
    try {
      await stat(at)
      return at
    } catch {
      const up = dirname(at)
      if (up === at) return at
      at = up
    }
  }
}

export const systemFreeSpace: FreeSpaceProbe = async (dir) => {
  try {
    const fs = await statfs(await existingAncestor(dir))
    return Number(fs.bavail) * Number(fs.bsize)
  } catch {
    return null
  }
}

/**
 * A name for the volume holding `dir`, for messages: the drive on Windows (`D:\`), else the mount point
 * (the highest ancestor on the same device), else the folder itself.
 */
export async function volumeOf(dir: string): Promise<string> {
  const start = await existingAncestor(dir)
  if (process.platform === 'win32') return parse(start).root || start
  try {
    const device = (await stat(start)).dev
    let at = start
    for (;;) {
      const up = dirname(at)
      if (up === at || (await stat(up)).dev !== device) return at
      at = up
    }
  } catch {
    return start
  }
}

/** `1.5 GB`, `320 MB`, `12 kB`, `900 bytes`: decimal units, as file managers show them. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  if (unit === 0) return `${Math.round(value)} bytes`
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ${units[unit]}`
}

/** What a full disk says: the words of DISK_FULL, shown with the run. */
export async function diskFullMessage(dir: string, needs: number, has: number | null): Promise<string> {
  const volume = await volumeOf(dir)
  return `not enough free space on ${volume}: needs ${formatBytes(needs)}, has ${has === null ? 'less' : formatBytes(has)}`
}

/** Kept free beyond a file's own size, so a download never takes the last bytes of a disk. */
export const FREE_SPACE_MARGIN = 64 * 1024 * 1024

/**
 * Free-space checks for downloads that run side by side: each claims what it still has to write, so two
 * large files that each fit alone are not both started on a disk with room for one.
 */
export class SpaceBook {
  private readonly claims = new Set<{ left: number }>()

  constructor(
    private readonly probe: FreeSpaceProbe,
    private readonly marginBytes: number = FREE_SPACE_MARGIN,
  ) {}

  /** Bytes other downloads have claimed and not written yet. */
  private held(): number {
    let sum = 0
    for (const claim of this.claims) sum += claim.left
    return sum
  }

  /**
   * Claims room for `bytes` more in `dir`, or throws DISK_FULL's message when the volume has less than that
   * plus the margin beside what is already claimed. An unknown free space (the system would not say) passes.
   */
  async claim(dir: string, bytes: number): Promise<{ wrote(bytes: number): void; release(): void }> {
    const free = await this.probe(dir)
    const needs = bytes + this.marginBytes
    if (free !== null) {
      const available = Math.max(0, free - this.held())
      if (available < needs) throw new DiskFull(await diskFullMessage(dir, needs, available))
    }
    const claim = { left: bytes }
    this.claims.add(claim)
    return {
      wrote: (n) => {
        claim.left = Math.max(0, claim.left - n)
      },
      release: () => {
        this.claims.delete(claim)
      },
    }
  }
}

/** Thrown by `SpaceBook.claim`; the downloader turns it into a DISK_FULL failure. */
export class DiskFull extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DiskFull'
  }
}
