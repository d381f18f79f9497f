import { z } from 'zod'
import { MEDIA_CLASSES, type InputSpec, type SeedDeployment } from './deployments'

/** The body of `POST /run/deployment/queue` (comfydeploy.md §2). Unknown top-level keys are ignored, as FastAPI does. */
export const QueueRequest = z.object({
  deployment_id: z.guid(),
  inputs: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown())]))
    .default({}),
  webhook: z.string().nullish(),
  webhook_intermediate_status: z.boolean().default(false),
  gpu: z.enum(['CPU', 'T4', 'L4', 'A10G', 'L40S', 'A100', 'A100-80GB', 'H100', 'H200', 'B200']).nullish(),
})
export type QueueRequest = z.infer<typeof QueueRequest>

/** One entry of FastAPI's 422 `detail` list. */
export interface ValidationIssue {
  loc: (string | number)[]
  msg: string
  type: string
  input?: unknown
}

/** Translates zod issues into the words pydantic v2 uses, so clients parse the same 422 they get in production. */
export function toFastApiIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => {
    const loc = ['body', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))]
    const input = 'input' in issue ? issue.input : undefined
    const withInput = (entry: Omit<ValidationIssue, 'loc'>): ValidationIssue =>
      input === undefined ? { loc, ...entry } : { loc, ...entry, input }
    switch (issue.code) {
      case 'invalid_type':
        if (input === undefined) return { loc, msg: 'Field required', type: 'missing' }
        switch (issue.expected) {
          case 'string':
            return withInput({ msg: 'Input should be a valid string', type: 'string_type' })
          case 'boolean':
            return withInput({ msg: 'Input should be a valid boolean', type: 'bool_type' })
          case 'record':
          case 'object':
            return withInput({ msg: 'Input should be a valid dictionary', type: 'dict_type' })
          default:
            return withInput({ msg: `Input should be a valid ${issue.expected}`, type: `${issue.expected}_type` })
        }
      case 'invalid_format':
        return withInput({
          msg: 'Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]',
          type: 'uuid_parsing',
        })
      case 'invalid_value':
        return withInput({
          msg: `Input should be ${issue.values.map((v) => `'${String(v)}'`).join(', ')}`,
          type: 'enum',
        })
      case 'invalid_union':
        return withInput({
          msg: 'Input should be a valid string, number, boolean or list',
          type: 'union_type',
        })
      default:
        return withInput({ msg: issue.message, type: 'value_error' })
    }
  })
}

const isHttpUrl = (value: string) => {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

/** What a media input may carry: nothing (''), an http(s) URL, or (not for model links) a data URI. */
function mediaProblem(spec: InputSpec, value: unknown): string | null {
  const cls = spec.class_type.replace(/^ComfyUIDeployExternal/, '')
  const oneRef = (ref: unknown): boolean =>
    typeof ref === 'string' && (isHttpUrl(ref) || (cls !== 'Lora' && cls !== 'Checkpoint' && ref.startsWith('data:')))
  if (cls === 'ImageBatch') {
    // A JSON array of URLs/data URIs (as a string or a list), or the URL of a ZIP.
    let list: unknown = value
    if (typeof value === 'string' && value.trim().startsWith('[')) {
      try {
        list = JSON.parse(value)
      } catch {
        return 'Input should be a JSON array of image URLs, or a ZIP URL'
      }
    }
    if (Array.isArray(list)) return list.every(oneRef) ? null : 'Input should be a list of image URLs or data URIs'
  }
  if (typeof value !== 'string') return 'Input should be a valid string'
  if (value === '' || oneRef(value)) return null
  return cls === 'Lora' || cls === 'Checkpoint'
    ? 'Input should be a public http(s) download URL'
    : 'Input should be an http(s) URL or a data URI (upload the file first)'
}

const orList = (values: readonly string[]) =>
  values.length <= 1
    ? values.map((v) => `'${v}'`).join('')
    : `${values
        .slice(0, -1)
        .map((v) => `'${v}'`)
        .join(', ')} or '${values.at(-1)}'`

/**
 * Simulator strictness, documented in docs/simulator.md: the real service passes any value through to the
 * node, but the simulator refuses what the node could not use, so client-side form bugs show up in tests
 * instead of in a user's bill: a non-number for a float/integer input (a fraction for an integer), a
 * non-boolean for a boolean, a non-string for a text input, a value outside `enum_options`, a media input
 * that is neither a URL nor a data URI, and (for deployments with `checkBounds`) a number out of bounds.
 */
export function checkInputTypes(deployment: SeedDeployment, inputs: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  for (const spec of deployment.inputs) {
    if (!Object.hasOwn(inputs, spec.input_id)) continue
    const value = inputs[spec.input_id]
    const loc = ['body', 'inputs', spec.input_id]
    if (spec.type === 'float' || spec.type === 'integer') {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        const word = spec.type === 'float' ? 'number' : 'integer'
        issues.push({ loc, msg: `Input should be a valid ${word}`, type: `${spec.type === 'float' ? 'float' : 'int'}_type`, input: value })
      } else if (spec.type === 'integer' && !Number.isInteger(value)) {
        issues.push({
          loc,
          msg: 'Input should be a valid integer, got a number with a fractional part',
          type: 'int_from_float',
          input: value,
        })
      } else if (deployment.checkBounds && spec.min_value !== undefined && value < spec.min_value) {
        issues.push({ loc, msg: `Input should be greater than or equal to ${spec.min_value}`, type: 'greater_than_equal', input: value })
      } else if (deployment.checkBounds && spec.max_value !== undefined && value > spec.max_value) {
        issues.push({ loc, msg: `Input should be less than or equal to ${spec.max_value}`, type: 'less_than_equal', input: value })
      }
    } else if (spec.type === 'boolean') {
      if (typeof value !== 'boolean') issues.push({ loc, msg: 'Input should be a valid boolean', type: 'bool_type', input: value })
    } else if (spec.type === 'string') {
      if (MEDIA_CLASSES.has(spec.class_type)) {
        const problem = mediaProblem(spec, value)
        if (problem) issues.push({ loc, msg: problem, type: problem.includes('valid string') ? 'string_type' : 'url_parsing', input: value })
      } else if (typeof value !== 'string') {
        issues.push({ loc, msg: 'Input should be a valid string', type: 'string_type', input: value })
      } else if (spec.enum_options && spec.enum_options.length > 0 && !spec.enum_options.includes(value)) {
        issues.push({ loc, msg: `Input should be ${orList(spec.enum_options)}`, type: 'enum', input: value })
      }
    }
  }
  return issues
}
