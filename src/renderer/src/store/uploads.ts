import { UPLOAD_MAX_BYTES } from '@shared/contract'
import type { InputField } from '@shared/deployment'
import type { Output, OutputId, OutputKind } from '@shared/output'
import type { Failure } from '@shared/result'
import type { ProviderId } from '@shared/run'
import { thumbUrl } from '../api/media-url'
import { imageList, imagesText } from './form-model'
import { isUploadWait } from './generate'
import type { CourierState, SliceContext, UploadItem, UploadsSlice } from './types'

/** Web mode caps request bodies at 32 MiB and base64 adds a third, so 25 MiB is the most a file can be. */
export const MAX_UPLOAD_BYTES = UPLOAD_MAX_BYTES

const MAX_NAME = 255
const MAX_MIME = 100

/** The file's contents as base64, without the `data:…;base64,` prefix. */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : ''
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'))
    reader.readAsDataURL(file)
  })
}

/** The contract allows 255 characters; a longer name keeps its extension. */
function safeName(name: string): string {
  const trimmed = name.trim() || 'file'
  if (trimmed.length <= MAX_NAME) return trimmed
  const dot = trimmed.lastIndexOf('.')
  const ext = dot > 0 && trimmed.length - dot <= 16 ? trimmed.slice(dot) : ''
  return trimmed.slice(0, MAX_NAME - ext.length) + ext
}

const safeMime = (type: string): string => (type !== '' && type.length <= MAX_MIME ? type : 'application/octet-stream')

const mebibytes = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`

/** The type each media kind takes (a file of another type is refused before it is sent), in words. */
export const wantedType: Partial<Record<InputField['kind'], { prefix: string; noun: string; examples: string }>> = {
  image: { prefix: 'image/', noun: 'an image', examples: 'images (PNG, JPEG, WebP…)' },
  images: { prefix: 'image/', noun: 'an image', examples: 'images (PNG, JPEG, WebP…)' },
  video: { prefix: 'video/', noun: 'a video', examples: 'videos (MP4, WebM…)' },
  audio: { prefix: 'audio/', noun: 'an audio file', examples: 'audio files (WAV, MP3, FLAC…)' },
}

/** Why a file cannot be sent at all (retrying would not help), or null. */
function refuse(field: InputField, file: File): string | null {
  if (file.size > MAX_UPLOAD_BYTES) {
    return `${file.name} is ${mebibytes(file.size)}; files over 25 MiB cannot be uploaded from here. Host it somewhere and paste its URL instead.`
  }
  if (file.size === 0) return `${file.name} is empty.`
  const wanted = wantedType[field.kind]
  if (wanted !== undefined && file.type !== '' && !file.type.startsWith(wanted.prefix)) {
    return `${file.name} is not ${wanted.noun}. This input takes ${wanted.examples}: choose one of those, or paste its URL.`
  }
  return null
}

/** The name an output goes by in the form: its file's name in the library. */
export const outputFileName = (output: Output): string => output.path.split('/').pop() || output.id

/** The output kind each file input takes; a plain file input takes any. */
const takesOutputKind: Partial<Record<InputField['kind'], OutputKind>> = { image: 'image', images: 'image', video: 'video', audio: 'audio' }

/** Whether a saved output of this kind can go in an input of this kind (as its type would for a picked file). */
export function outputFits(field: Pick<InputField, 'kind'>, kind: OutputKind): boolean {
  if (field.kind === 'file') return true
  const wanted = takesOutputKind[field.kind]
  return wanted !== undefined && wanted === kind
}

/** Why a saved output cannot go in this input (retrying would not help), or null. */
function refuseOutput(field: InputField, output: Output): string | null {
  const name = outputFileName(output)
  if (output.bytes > MAX_UPLOAD_BYTES) return `${name} is ${mebibytes(output.bytes)}; files over 25 MiB cannot be used as an input from here.`
  const wanted = wantedType[field.kind]
  if (!outputFits(field, output.kind)) return `${name} is not ${wanted?.noun ?? 'a file'}. This input takes ${wanted?.examples ?? 'files'}.`
  return null
}

/** A blob: URL for an image's thumbnail; none where the platform cannot make one (a preview is a nicety). */
function makePreview(file: File): string | null {
  if (!file.type.startsWith('image/') || typeof URL.createObjectURL !== 'function') return null
  try {
    return URL.createObjectURL(file)
  } catch {
    return null
  }
}

const dropPreview = (item: UploadItem): void => {
  // Only a picked file's blob: URL is ours to free; an output's preview is its thumbnail's address.
  if (item.preview === null || !item.preview.startsWith('blob:') || typeof URL.revokeObjectURL !== 'function') return
  try {
    URL.revokeObjectURL(item.preview)
  } catch {
    // Already gone: nothing to free.
  }
}

/** The id main's `upload.progress` events carry for one attempt of one upload. */
const progressId = (id: string, attempt: number): string => `${id}#${attempt}`

/** Uploads of the field on the form now, oldest first. Use with useShallow. */
export const uploadsOfField = (fieldId: string) => (s: CourierState): UploadItem[] =>
  s.uploads.items.filter((u) => u.provider === s.generate.provider && u.deploymentId === s.generate.deploymentId && u.fieldId === fieldId)

/**
 * Files picked for image/video/audio/file inputs: each is read, sent through `uploads.create` to the
 * provider the form is on, and the value that comes back goes into that deployment's draft (appended,
 * for an `images` list). The File objects stay here, outside the state, so a failed upload can be retried.
 */
export function createUploadsSlice({ get, patch, deps }: SliceContext): UploadsSlice {
  /** What each upload sends: a picked file (read here), or a saved output (read by main from the library). */
  const files = new Map<string, { file: File; field: InputField } | { outputId: OutputId; field: InputField }>()
  let seq = 0

  const update = (id: string, change: Partial<UploadItem>): void =>
    patch('uploads', (u) => ({ items: u.items.map((item) => (item.id === id ? { ...item, ...change } : item)) }))

  const discard = (keep: (item: UploadItem) => boolean): void => {
    const gone = get().uploads.items.filter((item) => !keep(item))
    if (gone.length === 0) return
    gone.forEach((item) => {
      dropPreview(item)
      files.delete(item.id)
    })
    patch('uploads', (u) => ({ items: u.items.filter(keep) }))
  }

  const onForm = (item: UploadItem): boolean => {
    const g = get().generate
    return item.provider === g.provider && item.deploymentId === g.deploymentId
  }

  const send = async (id: string): Promise<void> => {
    const held = files.get(id)
    const item = get().uploads.items.find((u) => u.id === id)
    if (held === undefined || item === undefined) return
    const attempt = item.attempt + 1
    update(id, { status: 'uploading', error: null, attempt, sentBytes: null, totalBytes: null })
    // Only the newest attempt of an item that still exists may report back.
    const current = () => get().uploads.items.find((u) => u.id === id && u.attempt === attempt)

    let res
    if ('outputId' in held) {
      res = await deps.courier.invoke('uploads.fromOutput', { provider: item.provider, outputId: held.outputId, uploadId: progressId(id, attempt) })
    } else {
      let dataBase64: string
      try {
        dataBase64 = await readBase64(held.file)
      } catch (cause) {
        if (current() === undefined) return
        const detail = cause instanceof Error ? cause.message : String(cause)
        update(id, { status: 'error', error: { code: 'BAD_INPUT', message: `Could not read ${item.fileName}: ${detail}` } })
        return
      }
      res = await deps.courier.invoke('uploads.create', {
        provider: item.provider,
        fileName: item.fileName,
        mime: item.mime,
        dataBase64,
        uploadId: progressId(id, attempt),
      })
    }
    if (current() === undefined) return
    // "Still uploading" no longer holds, whichever way it ended.
    if (isUploadWait(get().generate.submitError)) patch('generate', { submitError: null })
    if (!res.ok) {
      update(id, { status: 'error', error: res.error })
      return
    }
    const value = res.value.value
    update(id, { status: 'done', value, error: null })
    files.delete(id)
    const { field } = held
    get().generate.applyValue({ provider: item.provider, deploymentId: item.deploymentId }, field, (before) =>
      field.kind === 'images' ? imagesText([...imageList(typeof before === 'string' ? before : ''), value]) : value,
    )
  }

  /**
   * The form a new upload for `field` belongs to (the one on screen), or null when none is. A single-file
   * input lets its old file go: the old value is not sent by mistake while the new one uploads.
   */
  const beginFor = (field: InputField): { provider: ProviderId; deploymentId: string } | null => {
    const g = get().generate
    const { provider, deploymentId } = g
    if (provider === null || deploymentId === null) return null
    if (field.kind !== 'images') {
      discard((u) => !(u.provider === provider && u.deploymentId === deploymentId && u.fieldId === field.id))
      g.setValue(field.id, '')
    }
    return { provider, deploymentId }
  }

  const newItem = (
    form: { provider: ProviderId; deploymentId: string },
    field: InputField,
    file: Pick<UploadItem, 'fileName' | 'mime' | 'size'>,
    problem: string | null,
  ): UploadItem => ({
    id: `upload-${++seq}`,
    ...form,
    fieldId: field.id,
    ...file,
    status: problem === null ? 'uploading' : 'error',
    error: problem === null ? null : ({ code: 'BAD_INPUT', message: problem } satisfies Failure),
    retryable: problem === null,
    value: null,
    preview: null,
    attempt: 0,
    sentBytes: null,
    totalBytes: null,
  })

  const start = (added: UploadItem[]): void => {
    patch('uploads', (u) => ({ items: [...u.items, ...added] }))
    added.filter((item) => item.retryable).forEach((item) => void send(item.id))
  }

  return {
    items: [],

    add(field, picked) {
      const form = beginFor(field)
      if (form === null || picked.length === 0) return
      const chosen = field.kind === 'images' ? [...picked] : picked.slice(0, 1)
      start(
        chosen.map((file) => {
          const problem = refuse(field, file)
          const item = newItem(form, field, { fileName: safeName(file.name), mime: safeMime(file.type), size: file.size }, problem)
          if (problem === null) files.set(item.id, { file, field })
          return { ...item, preview: problem === null ? makePreview(file) : null }
        }),
      )
    },

    async addOutput(field, outputId) {
      const { items, results } = get().outputs
      let output = items.find((o) => o.id === outputId) ?? results.find((o) => o.id === outputId)
      if (output === undefined) {
        const found = await deps.courier.invoke('outputs.get', { id: outputId })
        if (!found.ok) {
          get().toasts.failure('That output could not be used', found.error)
          return
        }
        output = found.value
      }
      const form = beginFor(field)
      if (form === null) return
      const problem = refuseOutput(field, output)
      const item = newItem(form, field, { fileName: outputFileName(output), mime: output.mime, size: output.bytes }, problem)
      if (problem === null) files.set(item.id, { outputId: output.id, field })
      start([{ ...item, preview: problem === null && output.kind === 'image' ? thumbUrl(deps.courier, output.id) : null }])
    },

    retry(id) {
      const item = get().uploads.items.find((u) => u.id === id)
      if (item === undefined || !item.retryable || item.status !== 'error') return Promise.resolve()
      return send(id)
    },

    remove(id) {
      discard((u) => u.id !== id)
    },

    clearField(fieldId) {
      discard((u) => !(onForm(u) && u.fieldId === fieldId))
    },

    clearForm() {
      discard((u) => !onForm(u))
    },

    receiveProgress({ uploadId, sentBytes, totalBytes }) {
      const item = get().uploads.items.find((u) => u.status === 'uploading' && progressId(u.id, u.attempt) === uploadId)
      if (item === undefined || (item.sentBytes ?? 0) > sentBytes) return
      update(item.id, { sentBytes, totalBytes })
    },
  }
}
