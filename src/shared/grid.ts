import { z } from 'zod'
import { InputValue, InputValues, ProviderId, Run, RunId, RunStatus } from './run'
import { OutputId } from './output'

/**
 * Comparison grids and prompt lists (issue 18). Every cell of a grid is an ordinary run carrying the grid's
 * id; the grid image, assembled locally once the cells have ended, is an output with the same id.
 */

/** The most cells one grid (or rows one prompt list) may have: beyond it a submit is refused with the reason. */
export const GRID_MAX_CELLS = 400
/** At most three axes: X and Y make the grid, Z makes one page per value. */
export const GRID_MAX_AXES = 3

/**
 * One axis: an input of the deployment (its field id, `"6.text"` for a ComfyUI input) and the values it takes,
 * in order. Values are literal input values: ranges, enum "fill all", random seeds and prompt search/replace are
 * expanded before the submit (`@shared/grid-axes`). `labels`, when given, name the values on the grid image
 * and in the live view (an S/R axis labels each full prompt by its replacement); same length as `values`.
 */
export const GridAxisArgs = z
  .object({
    input: z.string().min(1).max(200),
    values: z.array(InputValue).min(1).max(GRID_MAX_CELLS),
    labels: z.array(z.string().max(500)).optional(),
  })
  .strict()
  .refine((axis) => axis.labels === undefined || axis.labels.length === axis.values.length, {
    message: 'an axis has one label per value',
  })
export type GridAxisArgs = z.input<typeof GridAxisArgs>

/** An axis as a grid answers it: labels always present. */
export const GridAxis = z.object({ input: z.string(), values: z.array(InputValue), labels: z.array(z.string()) })
export type GridAxis = z.infer<typeof GridAxis>

/** Same consent as the other paid submits (`confirmUsd`, issue 17). */
const ConfirmUsd = z.number().nonnegative().max(1_000_000).optional()

export const GridSubmitArgs = z
  .object({
    provider: ProviderId,
    deploymentId: z.string().min(1),
    /** The fixed inputs: every cell starts from these, then takes its axes' values. */
    inputs: InputValues,
    axes: z.array(GridAxisArgs).min(1).max(GRID_MAX_AXES),
    /** Whether the grid image prints each cell's run time under it (default true). */
    cellTime: z.boolean().optional(),
    confirmUsd: ConfirmUsd,
  })
  .strict()
export type GridSubmitArgs = z.input<typeof GridSubmitArgs>

/**
 * One cell: its place (`x`, `y`, `z` index the axes' values; an absent axis is 0), its run, and that run's
 * status. `outputId` is the run's first saved output, null until it is saved.
 */
export const GridCell = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  z: z.number().int().nonnegative(),
  runId: RunId,
  status: RunStatus,
  outputId: OutputId.nullable(),
})
export type GridCell = z.infer<typeof GridCell>

/** Where the grid image stands: waiting for cells, being assembled, saved, or refused (too big, no cell succeeded). */
export const GridImageState = z.enum(['waiting', 'making', 'saved', 'failed'])
export type GridImageState = z.infer<typeof GridImageState>

export const Grid = z.object({
  gridId: z.string(),
  provider: ProviderId,
  deploymentId: z.string(),
  deploymentName: z.string(),
  /** The fixed inputs the cells share. */
  inputs: InputValues,
  axes: z.array(GridAxis),
  cells: z.array(GridCell),
  cellTime: z.boolean(),
  imageOutputId: OutputId.nullable(),
  imageState: GridImageState,
  /** Why the image could not be made, in words a user can act on; null otherwise. */
  imageError: z.string().nullable(),
  createdAt: z.number(),
})
export type Grid = z.infer<typeof Grid>

/** `grids.submit`: the grid's id and its cells' runs, in cell order (x fastest, then y, then z). */
export const GridSubmitResult = z.object({ gridId: z.string(), runs: z.array(Run) })
export type GridSubmitResult = z.infer<typeof GridSubmitResult>

/** `grids.list`: the newest grids first. */
export const GridListArgs = z.object({ limit: z.number().int().min(1).max(200).optional() }).strict()

/**
 * A prompt list (or CSV): one run per row, each row's values laid over the shared inputs, submitted as one
 * batch through the provider's queue.
 */
export const SubmitListArgs = z
  .object({
    provider: ProviderId,
    deploymentId: z.string().min(1),
    inputs: InputValues,
    rows: z.array(InputValues).min(1).max(GRID_MAX_CELLS),
    confirmUsd: ConfirmUsd,
  })
  .strict()
export type SubmitListArgs = z.input<typeof SubmitListArgs>

/**
 * What a grid image's record adds to the generation record (issue 16's `comfy-courier/1`), so dropping the
 * image on Generate restores the set-up.
 */
export const GridSetup = z.object({
  provider: ProviderId,
  deploymentId: z.string(),
  inputs: InputValues,
  axes: z.array(GridAxis),
})
export type GridSetup = z.infer<typeof GridSetup>
