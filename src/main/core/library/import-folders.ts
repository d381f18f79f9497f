import type { CourierEvent } from '@shared/events'
import type { ImportFolder, ImportRemoved } from '@shared/imports'
import { err, ok, type Result } from '@shared/result'
import type { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ImportsRepo } from '../store/imports-repo'
import type { ImportService } from './import-service'
import type { Thumbnails } from './thumbnails'

export interface ImportFoldersDeps {
  imports: Pick<ImportsRepo, 'get' | 'setWatch' | 'remove' | 'list'>
  scans: Pick<ImportService, 'start' | 'scanOf' | 'stopScans'>
  thumbnails: Pick<Thumbnails, 'remove'>
  events: Pick<EventHub<CourierEvent>, 'publish'>
  log: Logger
}

const unknown = (importId: number) => err('NOT_FOUND', `There is no import folder ${importId}: it may have been removed from the library.`)

/**
 * Managing the folders added to the library, each by its id (`ImportFolder.id`): scan one again, watch it
 * or not, take it out of the library. Scanning itself is `ImportService`'s; this only decides what to ask of it.
 */
export class ImportFolders {
  constructor(private readonly deps: ImportFoldersDeps) {}

  /** A new scan of the folder, exactly as `library.import` on its path would start (the same checks). */
  async rescan(importId: number): Promise<Result<{ id: string }>> {
    const row = this.deps.imports.get(importId)
    if (!row) return unknown(importId)
    return this.deps.scans.start(row.path, undefined)
  }

  /** Watched or not from now on; the folder as it now is. */
  setWatch(importId: number, watch: boolean): Result<ImportFolder> {
    if (!this.deps.imports.setWatch(importId, watch)) return unknown(importId)
    const folder = this.deps.imports.list((id) => this.deps.scans.scanOf(id), importId)[0]
    return folder ? ok(folder) : unknown(importId)
  }

  /**
   * Takes the folder out of the library: its scan (if any) is cancelled and waited for, then the folder's
   * row and its outputs' rows go in one transaction (search entries, favourites), then their thumbnails.
   * Never a file of the user's: the folder and everything in it stay on disk as they are.
   */
  async remove(importId: number): Promise<Result<ImportRemoved>> {
    const row = this.deps.imports.get(importId)
    if (!row) return unknown(importId)
    await this.deps.scans.stopScans(importId)
    // Another call may have removed it while the scan was stopping.
    if (!this.deps.imports.get(importId)) return unknown(importId)
    const ids = this.deps.imports.remove(importId)
    for (const id of ids) await this.deps.thumbnails.remove(id).catch(() => undefined)
    this.deps.log.info('import folder removed', { folder: row.path, removed: ids.length })
    this.deps.events.publish({ type: 'library.importRemoved', importId, folder: row.path, removed: ids.length })
    return ok({ removed: ids.length })
  }
}
