import { err, ok } from '@shared/result'
import type { LibraryService } from '../library/library-service'
import type { OutputsRepo } from '../store/outputs-repo'
import type { CoreApi } from './build-api'

export interface LibraryApiDeps {
  outputs: Pick<OutputsRepo, 'list' | 'facets' | 'get' | 'setFavourite'>
  /** What touches the files themselves: the trash and the desktop. */
  library: Pick<LibraryService, 'delete' | 'open'>
}

/** The saved outputs: the gallery's pages and filters, favourites, deleting and opening files. */
export function libraryApi({ outputs, library }: LibraryApiDeps): Pick<
  CoreApi,
  'outputs.list' | 'outputs.facets' | 'outputs.get' | 'outputs.update' | 'outputs.delete' | 'outputs.open'
> {
  return {
    'outputs.list': async (args) => {
      const page = outputs.list(args)
      return page ? ok(page) : err('NOT_FOUND', `no output ${args.after}: the page cannot continue after an output that was deleted`)
    },
    'outputs.facets': async (args) => ok(outputs.facets(args)),
    'outputs.get': async ({ id }) => {
      const output = outputs.get(id)
      return output ? ok(output) : err('NOT_FOUND', `no output ${id}`)
    },
    'outputs.update': async ({ id, favourite }) => {
      const output = outputs.setFavourite(id, favourite)
      return output ? ok(output) : err('NOT_FOUND', `no output ${id}`)
    },
    'outputs.delete': ({ ids }) => library.delete(ids),
    'outputs.open': ({ id, how }) => library.open(id, how),
  }
}
