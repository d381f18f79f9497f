import { z } from 'zod'
import { RunId } from './run'

export const OutputKind = z.enum(['image', 'video', 'audio', 'text', 'file'])
export type OutputKind = z.infer<typeof OutputKind>

export const OutputId = z.string().min(1).max(64).brand<'OutputId'>()
export type OutputId = z.infer<typeof OutputId>

/** A file saved complete under the library folder; rows exist only after the rename from `.part`. */
export const Output = z.object({
  id: OutputId,
  runId: RunId,
  /** Path relative to the library folder, with forward slashes. */
  path: z.string(),
  kind: OutputKind,
  mime: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  deploymentName: z.string(),
  prompt: z.string(),
  createdAt: z.number(),
})
export type Output = z.infer<typeof Output>
