import { z } from 'zod'
import type { SeedDeployment } from './deployments'

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

/**
 * Simulator strictness, documented in docs/simulator.md: the real service passes any value through to the
 * node, but the simulator refuses a non-number for a float/integer input (and a fraction for an integer,
 * a non-boolean for a boolean), so client-side form bugs show up in tests instead of in a user's bill.
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
      }
    } else if (spec.type === 'boolean' && typeof value !== 'boolean') {
      issues.push({ loc, msg: 'Input should be a valid boolean', type: 'bool_type', input: value })
    }
  }
  return issues
}
