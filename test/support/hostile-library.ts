import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A library folder next to a secret file, holding the traps a forged output row would point at. Paths in
 * `paths` are library-relative, as rows store them.
 */
export interface HostileLibrary {
  /** The folder holding `library/` and the secret. */
  dir: string
  library: string
  /** Outside the library: what every trap tries to reach. */
  secret: string
  paths: {
    /** A real output: `picture` (text). */
    inside: string
    /** A symlink inside the library to a picture inside it. */
    linkInside: string
    /** A symlink inside the library to the secret. */
    linkOut: string
    /** The secret through a symlinked folder pointing out of the library. */
    throughDirLink: string
  }
  remove(): Promise<void>
}

export async function makeHostileLibrary(): Promise<HostileLibrary> {
  const dir = await mkdtemp(join(tmpdir(), 'courier-hostile-library-'))
  const library = join(dir, 'library')
  const secret = join(dir, 'courier.db')
  const folder = join(library, '2026-01-02', 'sketch')
  await mkdir(folder, { recursive: true })
  await writeFile(join(folder, 'r1-1.png'), 'picture')
  await writeFile(secret, 'secret database')
  await symlink(secret, join(folder, 'link-out.png'))
  await symlink(join(folder, 'r1-1.png'), join(library, 'inside-link.png'))
  await symlink(dir, join(library, 'dir-link'))
  return {
    dir,
    library,
    secret,
    paths: {
      inside: '2026-01-02/sketch/r1-1.png',
      linkInside: 'inside-link.png',
      linkOut: '2026-01-02/sketch/link-out.png',
      throughDirLink: 'dir-link/courier.db',
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}
