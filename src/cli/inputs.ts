import { readFile, stat } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { UPLOAD_MAX_BYTES } from '@shared/contract'
import type { Deployment, InputField } from '@shared/deployment'
import type { InputValue, InputValues } from '@shared/run'
import { usage } from './exit-codes'

/**
 * One input on the command line, as httpie spells them: `key=value` (text, read as the input's kind wants:
 * a number for a number input), `key:=<json>` (a JSON value), `key=@path` (a file, uploaded first).
 * `key=@@text` is the literal text `@text`.
 */
export type Assignment =
  | { key: string; kind: 'text'; value: string }
  | { key: string; kind: 'json'; value: unknown }
  | { key: string; kind: 'file'; path: string }

export function parseAssignment(arg: string): Assignment {
  const eq = arg.indexOf('=')
  if (eq <= 0) throw usage(`"${arg}" is not an input: write key=value, key:=<json> or key=@file`)
  const json = arg[eq - 1] === ':'
  const key = arg.slice(0, json ? eq - 1 : eq)
  const raw = arg.slice(eq + 1)
  if (key === '') throw usage(`"${arg}" has no input name before =`)
  if (json) {
    try {
      return { key, kind: 'json', value: JSON.parse(raw) as unknown }
    } catch {
      throw usage(`${key}:= takes JSON, and ${JSON.stringify(raw)} is not JSON (text goes as ${key}=…)`)
    }
  }
  if (raw.startsWith('@@')) return { key, kind: 'text', value: raw.slice(1) }
  if (raw.startsWith('@')) {
    if (raw.length === 1) throw usage(`${key}=@ needs a file name after the @`)
    return { key, kind: 'file', path: raw.slice(1) }
  }
  return { key, kind: 'text', value: raw }
}

const isNumeric = (field: InputField | undefined): boolean => field !== undefined && ['number', 'integer', 'seed'].includes(field.kind)

/** A text value as the input's kind takes it: numbers for number inputs, on/off for switches, else text. */
export function coerceText(field: InputField | undefined, key: string, text: string): InputValue {
  if (isNumeric(field)) {
    const number = Number(text.trim())
    if (text.trim() === '' || !Number.isFinite(number)) throw usage(`${key} takes a number, not ${JSON.stringify(text)}`)
    return number
  }
  if (field?.kind === 'boolean') {
    const word = text.trim().toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(word)) return true
    if (['false', '0', 'no', 'off'].includes(word)) return false
    throw usage(`${key} is on or off (true/false), not ${JSON.stringify(text)}`)
  }
  return text
}

/** A JSON value as an input takes it: text, numbers and booleans as they are; a list or object as its JSON text. */
export function fromJson(key: string, value: unknown): InputValue | undefined {
  if (value === null) return undefined
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw usage(`${key} must be a finite number`)
    return value
  }
  return JSON.stringify(value)
}

const MIME_BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.exr': 'image/x-exr',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.safetensors': 'application/octet-stream',
}
export const mimeFor = (path: string): string => MIME_BY_EXTENSION[extname(path).toLowerCase()] ?? 'application/octet-stream'

/** A file for an input or an inspection, read whole: refused (usage) when missing or past the app's size limit. */
export async function readInputFile(path: string, what: string): Promise<{ name: string; bytes: Buffer }> {
  const info = await stat(path).catch(() => null)
  if (!info) throw usage(`${what}: no file ${path}`)
  if (!info.isFile()) throw usage(`${what}: ${path} is not a file`)
  if (info.size > UPLOAD_MAX_BYTES) throw usage(`${what}: ${path} is ${(info.size / 1048576).toFixed(1)} MiB; the app takes files up to ${UPLOAD_MAX_BYTES / 1048576} MiB`)
  return { name: basename(path), bytes: await readFile(path) }
}

/** Reads `--inputs-file` (`-` = standard input): one JSON object of input values. */
export async function readInputsFile(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Record<string, unknown>> {
  let text: string
  if (path === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer))
    text = Buffer.concat(chunks).toString('utf8')
  } else {
    text = await readFile(path, 'utf8').catch(() => {
      throw usage(`--inputs-file: cannot read ${path}`)
    })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw usage(`--inputs-file ${path} is not JSON`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw usage(`--inputs-file ${path} must hold one JSON object: {"input": value, …}`)
  return parsed as Record<string, unknown>
}

/**
 * The run's inputs: the inputs file's values, then each assignment over them (files uploaded through
 * `upload`, which answers the value to put in the input). Names the deployment's inputs when one is unknown.
 */
export async function buildInputs(
  deployment: Deployment,
  fromFile: Record<string, unknown>,
  assignments: readonly Assignment[],
  upload: (key: string, path: string) => Promise<string>,
): Promise<InputValues> {
  const fields = new Map(deployment.inputs.map((field) => [field.id, field]))
  const known = (key: string) => {
    if (!fields.has(key)) {
      const names = deployment.inputs.map((field) => field.id).join(', ') || 'none'
      throw usage(`"${key}" is not an input of ${deployment.name}; its inputs: ${names} (see: courier deployments ${deployment.provider})`)
    }
    return fields.get(key)
  }
  const inputs: InputValues = {}
  for (const [key, value] of Object.entries(fromFile)) {
    const field = known(key)
    const converted = typeof value === 'string' && isNumeric(field) ? coerceText(field, key, value) : fromJson(key, value)
    if (converted !== undefined) inputs[key] = converted
  }
  for (const assignment of assignments) {
    const field = known(assignment.key)
    if (assignment.kind === 'text') inputs[assignment.key] = coerceText(field, assignment.key, assignment.value)
    else if (assignment.kind === 'json') {
      const converted = fromJson(assignment.key, assignment.value)
      if (converted === undefined) delete inputs[assignment.key]
      else inputs[assignment.key] = converted
    } else inputs[assignment.key] = await upload(assignment.key, assignment.path)
  }
  return inputs
}
