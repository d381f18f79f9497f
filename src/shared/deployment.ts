import { z } from 'zod'
import { ProviderId } from './run'

/** The form control a deployment input is shown as; providers map their own input classes onto these. */
export const FieldKind = z.enum([
  'text',
  'prompt',
  'number',
  'integer',
  'seed',
  'boolean',
  'enum',
  /** One image: a URL, or a file the app uploads (or inlines as a data URI where the service takes that). */
  'image',
  /** Several images: sent as a JSON array of URLs. */
  'images',
  'video',
  'audio',
  'file',
])
export type FieldKind = z.infer<typeof FieldKind>

export const InputField = z.object({
  id: z.string().min(1),
  label: z.string(),
  kind: FieldKind,
  description: z.string().default(''),
  defaultValue: z.union([z.string(), z.number(), z.boolean()]).nullable(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().optional(),
  options: z.array(z.string()).optional(),
  required: z.boolean().default(false),
  /** Draw a number as a slider (ComfyDeploy's `…NumberSlider` inputs). */
  slider: z.boolean().optional(),
})
export type InputField = z.infer<typeof InputField>

export const Deployment = z.object({
  id: z.string().min(1),
  name: z.string(),
  provider: ProviderId,
  description: z.string().default(''),
  inputs: z.array(InputField),
  /** The inputs come from a form the user chose (forms.save), not from the service's own schema. */
  customForm: z.boolean().default(false),
  /**
   * What it runs on, as the service names it, for pricing before any run (issue 17): ComfyDeploy's GPU
   * (`A10G`), RunComfy's hardware SKU (`AMPERE_48`). Absent or null when the service does not say.
   */
  hardware: z.string().max(100).nullable().optional(),
})
export type Deployment = z.infer<typeof Deployment>

/**
 * The deployment's seed input: the field of kind `seed`, else a whole-number field named like a seed
 * (a form someone relabelled, or a service that does not mark seeds). Undefined when there is none.
 * The one rule for "which input is the seed": variations, re-runs and the Generate view all ask it.
 */
export function seedField(fields: readonly InputField[]): InputField | undefined {
  return (
    fields.find((field) => field.kind === 'seed') ??
    fields.find((field) => field.kind === 'integer' && (/seed/i.test(field.id) || /seed/i.test(field.label)))
  )
}
