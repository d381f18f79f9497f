import { z } from 'zod'

/** `library.import`: a folder to index in place (absolute), and whether to look for new files in it while the app runs. */
export const ImportArgs = z
  .object({
    folder: z.string().min(1).max(4096),
    watch: z.boolean().optional(),
  })
  .strict()
export type ImportArgs = z.input<typeof ImportArgs>

export const ImportState = z.enum(['scanning', 'done', 'cancelled', 'failed'])
export type ImportState = z.infer<typeof ImportState>

/**
 * `library.importing`: one scan of an import folder, sent as it starts, at most every 250 ms while files are
 * read, and at its end (`done`, `cancelled` or `failed`).
 */
export const ImportProgress = z.object({
  /** The scan's id, as `library.import` answered it (and `library.importCancel` takes it). */
  id: z.string(),
  /** The folder scanned, absolute (its real path). */
  folder: z.string(),
  state: ImportState,
  /** Picture and video files found so far. */
  found: z.number().int().nonnegative(),
  /** Files handled: added, already known, duplicates and failures alike. */
  done: z.number().int().nonnegative(),
  /** New outputs in the library. */
  added: z.number().int().nonnegative(),
  /** Files that are exactly (same SHA-256) an output the library already has: not added again. */
  duplicates: z.number().int().nonnegative(),
  /** Files that could not be read (truncated, not really a picture, too large to decode, unreadable). */
  failed: z.number().int().nonnegative(),
  /** Why it failed, or a note on the scan (a file limit reached); null otherwise. */
  message: z.string().nullable(),
})
export type ImportProgress = z.infer<typeof ImportProgress>

/** An import folder's id, as `library.imports` lists it (`ImportFolder.id`). */
export const ImportId = z.number().int().positive()

/** `library.rescan`, `library.importRemove`: one import folder. */
export const ImportRef = z.object({ importId: ImportId }).strict()

/** `library.importWatch`: whether the folder is scanned again every 60 s while the app runs. */
export const ImportWatchArgs = z.object({ importId: ImportId, watch: z.boolean() }).strict()

/** `library.importRemove`: how many outputs left the library with the folder (its files stay on disk). */
export const ImportRemoved = z.object({ removed: z.number().int().nonnegative() })
export type ImportRemoved = z.infer<typeof ImportRemoved>

/** `library.imports`: a folder added to the library. */
export const ImportFolder = z.object({
  /** For `library.rescan`, `library.importWatch` and `library.importRemove`. */
  id: ImportId,
  folder: z.string(),
  watch: z.boolean(),
  /** Outputs indexed from it, missing ones included. */
  files: z.number().int().nonnegative(),
  /** Of those, files no longer found in it. */
  missing: z.number().int().nonnegative(),
  /** What its last scan found to be duplicates, and could not read. */
  duplicates: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** When its last scan ended; null before the first ended. */
  lastScanAt: z.number().nullable(),
  /** The id of the scan under way (for `library.importCancel`), or null. */
  scanning: z.string().nullable(),
})
export type ImportFolder = z.infer<typeof ImportFolder>
