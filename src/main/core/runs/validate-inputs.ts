import type { InputField } from '@shared/deployment'
import type { InputValues } from '@shared/run'

export interface InputProblem {
  field: string
  message: string
}

/**
 * Checks inputs against the deployment's fields before anything is paid for. ComfyDeploy drops unknown
 * keys silently, so a typo would run the workflow with its defaults: refuse them here instead.
 */
export function validateInputs(fields: readonly InputField[], inputs: InputValues): InputProblem | null {
  const byId = new Map(fields.map((field) => [field.id, field]))
  for (const key of Object.keys(inputs)) {
    if (!byId.has(key)) return { field: key, message: `"${key}" is not an input of this deployment` }
  }
  for (const field of fields) {
    const value = inputs[field.id]
    if (value === undefined || value === '') {
      if (field.required) return { field: field.id, message: `${field.label} is required` }
      continue
    }
    switch (field.kind) {
      case 'number':
      case 'integer':
      case 'seed': {
        if (typeof value !== 'number' || !Number.isFinite(value)) return { field: field.id, message: `${field.label} must be a number` }
        if (field.kind !== 'number' && !Number.isInteger(value)) return { field: field.id, message: `${field.label} must be a whole number` }
        if (field.min !== undefined && value < field.min) return { field: field.id, message: `${field.label} must be at least ${field.min}` }
        if (field.max !== undefined && value > field.max) return { field: field.id, message: `${field.label} must be at most ${field.max}` }
        break
      }
      case 'boolean':
        if (typeof value !== 'boolean') return { field: field.id, message: `${field.label} must be on or off` }
        break
      case 'enum':
        if (typeof value !== 'string' || !(field.options ?? []).includes(value)) {
          return { field: field.id, message: `${field.label} must be one of: ${(field.options ?? []).join(', ')}` }
        }
        break
      default:
        if (typeof value !== 'string') return { field: field.id, message: `${field.label} must be text` }
    }
  }
  return null
}
