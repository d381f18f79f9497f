import { useEffect, useRef, type KeyboardEvent } from 'react'
import { createPortal } from 'react-dom'
import type { Output } from '@shared/output'
import { useCourierClient } from '../store/context'
import { formatBytes, formatTime } from './format'
import { outputAlt } from './MediaThumb'
import { keepTabInside } from './focus-trap'

interface Props {
  outputs: readonly Output[]
  index: number
  onIndexChange(index: number): void
  onClose(): void
}


/** A large modal view of one output: Escape or × closes, ← / → step through the list it was opened from. */
export function OutputViewer({ outputs, index, onIndexChange, onClose }: Props) {
  const { mediaUrl } = useCourierClient()
  const dialogRef = useRef<HTMLDivElement>(null)
  const output = outputs[index]

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    dialogRef.current?.focus()
    return () => opener?.focus()
  }, [])

  useEffect(() => {
    // The list shrank under us (an output deleted): close instead of showing nothing.
    if (output === undefined) onClose()
  }, [output, onClose])

  if (output === undefined) return null
  const hasPrev = index > 0
  const hasNext = index < outputs.length - 1
  const src = mediaUrl(output.id)

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation()
      onClose()
    } else if (e.key === 'ArrowLeft' && hasPrev) {
      onIndexChange(index - 1)
    } else if (e.key === 'ArrowRight' && hasNext) {
      onIndexChange(index + 1)
    } else {
      keepTabInside(e, dialogRef.current)
    }
  }

  const titleId = `viewer-title-${output.id}`
  return createPortal(
    <div className="viewer-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialogRef}
        className="viewer"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-viewer-output-id={output.id}
      >
        <header className="viewer__head">
          <h2 id={titleId} className="viewer__title">
            {output.deploymentName}
          </h2>
          <span className="viewer__count">
            {index + 1} / {outputs.length}
          </span>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="viewer__stage">
          <button type="button" className="viewer__nav viewer__nav--prev" aria-label="Previous" disabled={!hasPrev} onClick={() => onIndexChange(index - 1)}>
            ‹
          </button>
          {output.kind === 'image' && <img className="viewer__media" src={src} alt={outputAlt(output)} />}
          {output.kind === 'video' && <video className="viewer__media" src={src} controls autoPlay loop aria-label={outputAlt(output)} />}
          {output.kind === 'audio' && <audio src={src} controls aria-label={outputAlt(output)} />}
          {(output.kind === 'text' || output.kind === 'file') && (
            <p className="viewer__file">
              {output.mime} · {formatBytes(output.bytes)} — open it from the library folder.
            </p>
          )}
          <button type="button" className="viewer__nav viewer__nav--next" aria-label="Next" disabled={!hasNext} onClick={() => onIndexChange(index + 1)}>
            ›
          </button>
        </div>
        <dl className="viewer__meta">
          <div className="viewer__prompt">
            <dt>Prompt</dt>
            <dd>{output.prompt || '—'}</dd>
          </div>
          <div>
            <dt>Deployment</dt>
            <dd>{output.deploymentName}</dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>
              {output.bytes.toLocaleString()} bytes ({formatBytes(output.bytes)})
            </dd>
          </div>
          <div>
            <dt>Dimensions</dt>
            <dd>{output.width !== null && output.height !== null ? `${output.width} × ${output.height}` : '—'}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <time dateTime={new Date(output.createdAt).toISOString()}>{formatTime(output.createdAt)}</time>
            </dd>
          </div>
          <div className="viewer__path">
            <dt>File</dt>
            <dd>
              <code>{output.path}</code>
            </dd>
          </div>
        </dl>
      </div>
    </div>,
    document.body,
  )
}
