import { z } from 'zod'
import { ProviderId, RunId } from './run'

export const OutputKind = z.enum(['image', 'video', 'audio', 'text', 'file'])
export type OutputKind = z.infer<typeof OutputKind>

export const OutputSource = z.enum(['generated', 'imported'])
export type OutputSource = z.infer<typeof OutputSource>

export const OutputId = z.string().min(1).max(64).brand<'OutputId'>()
export type OutputId = z.infer<typeof OutputId>

/**
 * A file saved complete under the library folder (rows exist only after the rename from `.part`), or a file
 * indexed in place from a folder added with `library.import` (`source: 'imported'`: no run, no provider).
 */
export const Output = z.object({
  id: OutputId,
  /** The run that made it; null for an imported file. */
  runId: RunId.nullable(),
  /** Path relative to the library folder (an imported file: to its folder, `folder`), with forward slashes. */
  path: z.string(),
  kind: OutputKind,
  mime: z.string(),
  bytes: z.number().int().nonnegative(),
  /** The hash of the file on disk: with our generation record written into it. */
  sha256: z.string(),
  /** The hash of the file as the provider sent it, before the record was written; null when it is the same file. */
  originalSha256: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Length of a video or audio file, when it could be read from the file. */
  durationMs: z.number().int().nonnegative().nullable(),
  /** Null for an imported file. */
  provider: ProviderId.nullable(),
  /** Null for an imported file. */
  deploymentId: z.string().nullable(),
  /** The deployment's name; for an imported file its title: the tool that made it (ComfyUI, A1111…), else its folder's name. */
  deploymentName: z.string(),
  prompt: z.string(),
  /** The run's seed input, when it has one (an imported file: the seed its metadata gives). */
  seed: z.number().nullable(),
  favourite: z.boolean(),
  /** Set when the run was one of a batch of variations (`runs.submitBatch`). */
  batchId: z.string().nullable(),
  /** Set for a grid's cells and for the grid image itself (issue 18). */
  gridId: z.string().nullable(),
  /** False until a thumbnail has been made (images and videos get one; others never do). */
  hasThumbnail: z.boolean(),
  /** 'generated': saved from a run of this app; 'imported': a file indexed in place from a folder. */
  source: OutputSource,
  /** The folder an imported file was indexed from (absolute); null for ours. */
  folder: z.string().nullable(),
  /** True when the file was not found on disk (a rescan, or a request for it): shown as missing, never dropped. */
  missing: z.boolean(),
  /** Saved at (ours); an imported file's modification time. */
  createdAt: z.number(),
})
export type Output = z.infer<typeof Output>

export const OUTPUTS_PAGE_DEFAULT = 500
export const OUTPUTS_PAGE_MAX = 5000

/** `outputs.list`: newest first; every given filter combined (AND). */
export const OutputListArgs = z
  .object({
    runId: RunId.optional(),
    batchId: z.string().min(1).max(64).optional(),
    /** A comparison grid's cell outputs and its grid image (issue 18). */
    gridId: z.string().min(1).max(64).optional(),
    /** Full-text search over prompts, deployment names and file names (words, prefix-matched). */
    query: z.string().max(200).optional(),
    provider: ProviderId.optional(),
    deploymentId: z.string().min(1).max(200).optional(),
    kind: OutputKind.optional(),
    favourite: z.boolean().optional(),
    /** Made here (saved from a run) or imported from a folder. */
    source: OutputSource.optional(),
    /** Created at or after / before these epoch ms. */
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
    /** The id of the last output of the page shown: the next page starts after it. */
    after: OutputId.optional(),
    limit: z.number().int().min(1).max(OUTPUTS_PAGE_MAX).optional(),
  })
  .strict()
export type OutputListArgs = z.input<typeof OutputListArgs>

/**
 * `outputs.facets`: the gallery's filter, as `outputs.list` takes it without the page. Each menu's counts
 * follow every other filter (the kind buttons count what the search found), never the menu's own choice.
 */
export const OutputFacetsArgs = OutputListArgs.omit({ after: true, limit: true, runId: true })
export type OutputFacetsArgs = z.input<typeof OutputFacetsArgs>

/** What the gallery's filter menus offer: the values present in the library, with counts. */
export const OutputFacets = z.object({
  /** Every output in the library, whatever the filter. */
  total: z.number().int(),
  /** The outputs that match the whole filter: the gallery's exact count. */
  matching: z.number().int(),
  providers: z.array(z.object({ id: ProviderId, count: z.number().int() })),
  deployments: z.array(z.object({ id: z.string(), name: z.string(), provider: ProviderId, count: z.number().int() })),
  kinds: z.array(z.object({ kind: OutputKind, count: z.number().int() })),
  /** Made here / imported, each counted with the rest of the filter. */
  sources: z.array(z.object({ source: OutputSource, count: z.number().int() })),
  favourites: z.number().int(),
})
export type OutputFacets = z.infer<typeof OutputFacets>
