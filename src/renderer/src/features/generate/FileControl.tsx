import { useId, useState, type ChangeEvent, type DragEvent, type KeyboardEvent } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { InputField } from '@shared/deployment'
import type { OutputId } from '@shared/output'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatBytes } from '../../components/format'
import { draggedOutputKind, droppedOutputId } from '../../components/output-drag'
import { useCourier } from '../../store/context'
import { imageList, imagesText, type DraftValue } from '../../store/form-model'
import type { UploadItem } from '../../store/types'
import { outputFits, uploadsOfField, wantedType } from '../../store/uploads'

/** The props FieldControl gives every control: id (for the field's label), name, aria wiring. */
export interface ControlProps {
  id: string
  name: string
  required: boolean
  'aria-describedby': string | undefined
  'aria-invalid': true | undefined
}

interface Props {
  field: InputField
  value: DraftValue
  label: string
  common: ControlProps
  onChange(value: DraftValue): void
}

const accepts: Partial<Record<InputField['kind'], string>> = { image: 'image/*', images: 'image/*', video: 'video/*', audio: 'audio/*' }
const nouns: Partial<Record<InputField['kind'], string>> = { image: 'an image', images: 'images', video: 'a video', audio: 'an audio file', file: 'a file' }

/** A short name for a value that did not come from a file picked here: the URL's last segment. */
function nameOfValue(value: string): string {
  if (value.startsWith('data:')) return 'Inline file'
  try {
    const url = new URL(value)
    const last = url.pathname.split('/').filter(Boolean).pop()
    return last ? decodeURIComponent(last) : url.host
  } catch {
    return value
  }
}

/** A thumbnail source the page's CSP allows: the picked file's blob: URL, or an inline image. */
const thumbOf = (value: string, item: UploadItem | undefined): string | null =>
  item?.preview ?? (/^data:image\//i.test(value) ? value : null)

function Thumb({ src }: { src: string | null }) {
  return src === null ? (
    <span className="upload-item__thumb upload-item__thumb--none" aria-hidden="true">
      ▤
    </span>
  ) : (
    <img className="upload-item__thumb" src={src} alt="" />
  )
}

/** One file on its way: spinner, or the error with Retry, plus a way to drop it. */
function PendingItem({ item }: { item: UploadItem }) {
  const retry = useCourier((s) => s.uploads.retry)
  const remove = useCourier((s) => s.uploads.remove)
  const size = formatBytes(item.size)
  if (item.status === 'uploading') {
    return (
      <li className="upload-item" data-upload-state="uploading" role="status">
        <span className="spinner spinner--small" aria-hidden="true" />
        <span className="upload-item__name">
          Uploading {item.fileName} ({size})…
        </span>
        {item.totalBytes !== null && item.sentBytes !== null && (
          <progress
            className="upload-item__progress"
            max={item.totalBytes}
            value={item.sentBytes}
            aria-label={`Upload of ${item.fileName}`}
            data-sent-bytes={item.sentBytes}
          >
            {Math.round((100 * item.sentBytes) / item.totalBytes)}%
          </progress>
        )}
        <button type="button" className="btn btn--small btn--ghost" onClick={() => remove(item.id)} aria-label={`Cancel ${item.fileName}`}>
          Cancel
        </button>
      </li>
    )
  }
  return (
    <li className="upload-item upload-item--error" data-upload-state="error">
      <span className="upload-item__name">
        {item.fileName} <span className="muted">({size})</span>
      </span>
      <ErrorNotice error={item.error ?? { code: 'INTERNAL', message: 'The upload failed.' }} className="notice--compact" />
      <div className="upload-item__actions">
        {item.retryable && (
          <button type="button" className="btn btn--small" onClick={() => void retry(item.id)}>
            Retry
          </button>
        )}
        <button type="button" className="btn btn--small btn--ghost" onClick={() => remove(item.id)} aria-label={`Dismiss ${item.fileName}`}>
          Dismiss
        </button>
      </div>
    </li>
  )
}

/**
 * What a drag over the zone holds: files (or a saved output, dragged from its thumbnail) of the kind the input
 * takes, of another kind, or nothing to drop.
 */
type DragState = 'none' | 'fits' | 'refused'

/** Whether what is being dragged fits the input (types can be read while dragging; names and ids only on drop). */
function dragState(field: InputField, transfer: DataTransfer): DragState {
  const output = draggedOutputKind(Array.from(transfer.types ?? []))
  if (output !== null) return outputFits(field, output) ? 'fits' : 'refused'
  const files = [...(transfer.items ?? [])].filter((item) => item.kind === 'file')
  if (files.length === 0) return 'none'
  const wanted = wantedType[field.kind]
  if (wanted === undefined) return 'fits'
  // An empty type (unknown to the browser) gets the benefit of the doubt, as a picked file does.
  return files.every((f) => f.type === '' || f.type.startsWith(wanted.prefix)) ? 'fits' : 'refused'
}

/**
 * The "Choose file…" button (a label for the hidden file input) inside a drop zone. A file dropped here goes
 * the same way as a picked one (`uploads.add`, which refuses a wrong type with a message), and an output
 * dragged from its thumbnail goes through `uploads.addOutput`; while a drag is over the zone it says whether
 * it will be taken.
 */
function DropZone({
  field,
  label,
  multiple,
  describedBy,
  onFiles,
}: {
  field: InputField
  label: string
  multiple: boolean
  describedBy: string | undefined
  onFiles(files: File[]): void
}) {
  const [drag, setDrag] = useState<DragState>('none')
  const [draggingOutput, setDraggingOutput] = useState(false)
  const addOutput = useCourier((s) => s.uploads.addOutput)
  const fileId = `${useId()}-file`
  const noun = nouns[field.kind] ?? 'a file'
  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setDrag('none')
    const outputId: OutputId | null = droppedOutputId(e.dataTransfer)
    if (outputId !== null) {
      void addOutput(field, outputId)
      return
    }
    const files = [...e.dataTransfer.files]
    if (files.length > 0) onFiles(multiple ? files : files.slice(0, 1))
  }
  const onPick = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])]
    // Cleared so that picking the same file again (after an error) fires a change.
    e.target.value = ''
    if (files.length > 0) onFiles(files)
  }
  return (
    <div
      className={`dropzone${drag === 'fits' ? ' dropzone--over' : drag === 'refused' ? ' dropzone--refused' : ''}`}
      data-drop-state={drag}
      onDragOver={(e) => {
        e.preventDefault()
        const state = dragState(field, e.dataTransfer)
        e.dataTransfer.dropEffect = state === 'refused' ? 'none' : 'copy'
        setDrag(state)
        setDraggingOutput(draggedOutputKind(Array.from(e.dataTransfer.types ?? [])) !== null)
      }}
      onDragLeave={(e) => {
        // Moving onto the button inside is not leaving.
        if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setDrag('none')
      }}
      onDrop={onDrop}
    >
      <input
        id={fileId}
        className="visually-hidden upload__input"
        type="file"
        accept={accepts[field.kind]}
        multiple={multiple}
        aria-label={`${label} file`}
        aria-describedby={describedBy}
        onChange={onPick}
      />
      <label htmlFor={fileId} className="btn btn--small upload__choose">
        Choose file{multiple ? 's' : ''}…
      </label>
      <span className="dropzone__hint">
        {drag === 'fits'
          ? draggingOutput
            ? 'Drop to use this output'
            : `Drop to upload ${multiple ? 'them' : 'it'}`
          : drag === 'refused'
            ? `Not ${noun}: this input takes ${wantedType[field.kind]?.examples ?? 'files'}`
            : `or drop ${noun} here · up to 25 MiB${multiple ? ' each' : ''}`}
      </span>
    </div>
  )
}

/** image, video, audio, file: one value, from a picked file (uploaded) or a pasted URL. */
function SingleFile({ field, value, label, common, onChange }: Props) {
  const items = useCourier(useShallow(uploadsOfField(field.id)))
  const add = useCourier((s) => s.uploads.add)
  const clearField = useCourier((s) => s.uploads.clearField)
  const text = typeof value === 'string' ? value : ''
  const item = items[items.length - 1]
  const done = item?.status === 'done' && item.value === text ? item : undefined
  const inline = text.startsWith('data:')
  const drop = () => {
    onChange('')
    clearField(field.id)
  }

  return (
    <div className="upload">
      <DropZone field={field} label={label} multiple={false} describedBy={common['aria-describedby']} onFiles={(files) => add(field, files)} />
      {item !== undefined && item.status !== 'done' && (
        <ul className="upload-list">
          <PendingItem item={item} />
        </ul>
      )}
      {(done !== undefined || inline) && (
        <div className="upload-item upload-item--current" data-upload-state={done ? 'done' : 'url'}>
          {field.kind === 'image' && <Thumb src={thumbOf(text, done)} />}
          <span className="upload-item__name">
            {done ? done.fileName : nameOfValue(text)}
            {done && <span className="muted"> · {formatBytes(done.size)} · uploaded ✓</span>}
          </span>
          <button type="button" className="btn btn--small btn--ghost" onClick={drop}>
            Remove
          </button>
        </div>
      )}
      <div className="upload__url">
        <span className="upload__or muted" aria-hidden="true">
          or paste a URL
        </span>
        <input
          {...common}
          className="input"
          type="url"
          inputMode="url"
          placeholder={inline ? 'Uploaded file (sent inline)' : 'https://…'}
          value={inline ? '' : text}
          onChange={(e) => {
            onChange(e.target.value)
            if (items.length > 0) clearField(field.id)
          }}
        />
      </div>
    </div>
  )
}

/** images: a list sent as a JSON array, from picked files and pasted URLs, shown as a strip. */
function ImageList({ field, value, label, common, onChange }: Props) {
  const items = useCourier(useShallow(uploadsOfField(field.id)))
  const add = useCourier((s) => s.uploads.add)
  const remove = useCourier((s) => s.uploads.remove)
  const [typed, setTyped] = useState('')
  const list = imageList(typeof value === 'string' ? value : '')

  // Match each entry to the upload it came from (in order, so equal URLs pair off one to one).
  const used = new Set<string>()
  const entries = list.map((entry) => {
    const item = items.find((u) => u.status === 'done' && u.value === entry && !used.has(u.id))
    if (item) used.add(item.id)
    return { entry, item }
  })
  const pending = items.filter((u) => u.status !== 'done')

  const addTyped = () => {
    const url = typed.trim()
    if (url === '') return
    onChange(imagesText([...list, url]))
    setTyped('')
  }
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && !e.metaKey && !e.ctrlKey) {
      // Enter adds the URL rather than submitting the form.
      e.preventDefault()
      addTyped()
    }
  }
  const removeAt = (index: number) => {
    const { item } = entries[index] ?? {}
    onChange(imagesText(list.filter((_, i) => i !== index)))
    if (item) remove(item.id)
  }

  return (
    <div className="upload">
      <DropZone field={field} label={label} multiple describedBy={common['aria-describedby']} onFiles={(files) => add(field, files)} />
      {entries.length > 0 && (
        <ul className="upload-strip" aria-label={`${label}: ${entries.length} image${entries.length === 1 ? '' : 's'}`}>
          {entries.map(({ entry, item }, i) => {
            const name = item ? item.fileName : nameOfValue(entry)
            return (
              <li key={`${i}:${entry.slice(0, 200)}`} className="upload-tile" data-upload-state={item ? 'done' : 'url'}>
                <Thumb src={thumbOf(entry, item)} />
                <span className="upload-tile__name" title={item ? `${name} · ${formatBytes(item.size)}` : entry}>
                  {name}
                </span>
                <button type="button" className="upload-tile__remove" aria-label={`Remove ${name}`} title="Remove" onClick={() => removeAt(i)}>
                  ×
                </button>
              </li>
            )
          })}
        </ul>
      )}
      {pending.length > 0 && (
        <ul className="upload-list">
          {pending.map((item) => (
            <PendingItem key={item.id} item={item} />
          ))}
        </ul>
      )}
      <div className="upload__url">
        <span className="upload__or muted" aria-hidden="true">
          or paste a URL
        </span>
        <input
          {...common}
          required={common.required && list.length === 0}
          className="input"
          type="url"
          inputMode="url"
          placeholder="https://…  (Enter to add)"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={addTyped}
        />
        <button type="button" className="btn btn--small" onClick={addTyped} disabled={typed.trim() === ''}>
          Add URL
        </button>
      </div>
    </div>
  )
}

/** The control for image, images, video, audio and file inputs. */
export function FileControl(props: Props) {
  return props.field.kind === 'images' ? <ImageList {...props} /> : <SingleFile {...props} />
}
