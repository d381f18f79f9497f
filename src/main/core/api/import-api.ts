import { ok } from '@shared/result'
import type { ImportFolders } from '../library/import-folders'
import type { ImportService } from '../library/import-service'
import type { CoreApi } from './build-api'

/** Folders added to the library: indexed in place, scanned with progress, cancelled, listed, rescanned, watched, removed. */
export function importApi({
  imports,
  folders,
}: {
  imports: Pick<ImportService, 'start' | 'cancel' | 'list'>
  folders: Pick<ImportFolders, 'rescan' | 'setWatch' | 'remove'>
}): Pick<CoreApi, 'library.import' | 'library.importCancel' | 'library.imports' | 'library.rescan' | 'library.importWatch' | 'library.importRemove'> {
  return {
    'library.import': ({ folder, watch }) => imports.start(folder, watch),
    'library.importCancel': async ({ id }) => imports.cancel(id),
    'library.imports': async () => ok(imports.list()),
    'library.rescan': ({ importId }) => folders.rescan(importId),
    'library.importWatch': async ({ importId, watch }) => folders.setWatch(importId, watch),
    'library.importRemove': ({ importId }) => folders.remove(importId),
  }
}
