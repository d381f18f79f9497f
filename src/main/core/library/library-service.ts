import { lstat, rmdir } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { err, ok, type Result } from '@shared/result'
import type { DesktopShell, TrashFile } from '../core-types'
import type { Logger } from '../log/logger'
import type { OutputsRepo } from '../store/outputs-repo'
import type { RunLedger } from '../runs/run-ledger'
import { sidecarPath } from '../metadata/containers/sidecar'
import { isInside, isLibraryPath, resolveInside } from './media'
import type { Thumbnails } from './thumbnails'

export interface LibraryServiceDeps {
  outputs: OutputsRepo
  /** Told of the runs whose outputs were deleted (their counts change). */
  ledger: RunLedger
  thumbnails: Thumbnails
  trash: TrashFile
  desktop: DesktopShell | null
  log: Logger
}

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code

/** Deleting outputs (to the OS trash) and handing them to the desktop (open, reveal). */
export class LibraryService {
  constructor(private readonly deps: LibraryServiceDeps) {}

  /**
   * Moves each output's file to the trash, then forgets the outputs whose file went (or was already gone),
   * with their search entries and thumbnails. A file the trash refused keeps its output, and the answer
   * says which and why. Unknown ids are skipped.
   */
  async delete(ids: readonly string[]): Promise<Result<{ deleted: number }>> {
    const gone: string[] = []
    const folders = new Map<string, string>() // folder emptied → its library root
    const refused: { path: string; reason: string }[] = []
    for (const id of new Set(ids)) {
      const location = this.deps.outputs.location(id)
      if (!location) continue
      if (!isLibraryPath(location.path)) {
        gone.push(id) // never written by us: there is no file of ours to trash
        continue
      }
      const file = join(location.root, ...location.path.split('/'))
      try {
        await lstat(file)
      } catch (error) {
        if (code(error) === 'ENOENT') {
          gone.push(id)
          continue
        }
        refused.push({ path: location.path, reason: (error as Error).message })
        continue
      }
      try {
        await this.deps.trash(file)
        gone.push(id)
        // Folders left empty go too, in the library only: an imported file's folder is the user's.
        if (location.source !== 'imported') folders.set(dirname(file), resolve(location.root))
        // Its generation record, where it was written beside the file, goes with it (restored with it too).
        const sidecar = sidecarPath(file)
        if (await lstat(sidecar).then((info) => info.isFile(), () => false)) await this.deps.trash(sidecar).catch(() => undefined)
      } catch (error) {
        refused.push({ path: location.path, reason: (error as Error).message })
      }
    }

    // The rows go and their runs' counts follow in one transaction.
    this.deps.ledger.transaction((tx) => {
      for (const runId of this.deps.outputs.remove(gone)) if (tx.get(runId)) tx.change(runId, { recountOutputs: true })
    })
    for (const id of gone) await this.deps.thumbnails.remove(id).catch(() => undefined)
    // Day and deployment folders left empty go too (never the library folder itself).
    for (const [folder, root] of folders) {
      for (let current = folder; current !== root && isInside(root, current); current = dirname(current)) {
        if (!(await rmdir(current).then(() => true, () => false))) break
      }
    }
    this.deps.log.info('outputs deleted', { deleted: gone.length, refused: refused.length })
    if (refused.length > 0) {
      const first = refused[0]!
      const others = refused.length > 1 ? ` (and ${refused.length - 1} more)` : ''
      return err(
        'CONFLICT',
        `${refused.length} file${refused.length === 1 ? '' : 's'} could not be moved to the trash, so ${refused.length === 1 ? 'it stays' : 'they stay'} in the library: ${first.path}: ${first.reason}${others}. ${gone.length} deleted.`,
      )
    }
    return ok({ deleted: gone.length })
  }

  /** Opens the output's file with its default app, or shows it in its folder: desktop only. */
  async open(id: string, how: 'open' | 'reveal'): Promise<Result<Record<string, never>>> {
    const desktop = this.deps.desktop
    if (!desktop) return err('NOT_SUPPORTED', 'opening files is only possible in the desktop app; in the browser, find the file in the library folder')
    const location = this.deps.outputs.location(id)
    if (!location) return err('NOT_FOUND', `no output ${id}`)
    const found = await resolveInside(location.root, location.path)
    if ('status' in found) {
      return found.status === 404 ? err('NOT_FOUND', `the file is no longer on disk: ${location.path}`) : err('FORBIDDEN', `${location.path}: ${found.reason}`)
    }
    if (how === 'reveal') {
      desktop.showItemInFolder(found.file)
      return ok({})
    }
    const problem = await desktop.openPath(found.file)
    return problem ? err('INTERNAL', `the system could not open ${location.path}: ${problem}`) : ok({})
  }
}
