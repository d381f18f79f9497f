import { useState } from 'react'
import type { Output, OutputKind } from '@shared/output'
import { previewUrl } from '../api/media-url'
import { useCourierClient } from '../store/context'
import { formatMediaDuration } from './format'
import { Icon } from './Icon'

export const outputAlt = (o: Output): string => o.prompt || `${o.deploymentName} output`

/** A file's format as people name it: "PNG", "WEBM", "MP4". */
export const extension = (path: string): string => path.split('.').pop()?.toUpperCase() ?? 'FILE'

export const kindLabel: Record<OutputKind, string> = { image: 'Image', video: 'Video', audio: 'Audio', text: 'Text', file: 'File' }

/**
 * A small, lazily loaded preview of a saved output: its thumbnail once main made one, else the image
 * itself; a video's first frame (or thumbnail) with a play badge and its length; an icon for audio and files.
 */
export function MediaThumb({ output, defer = false }: { output: Output; defer?: boolean }) {
  const client = useCourierClient()
  // Mounted while `defer` (a gallery tile passing by in a fast scroll): an empty preview of the same size
  // until `defer` ends; a picture once shown stays, whatever `defer` does later.
  const [waiting, setWaiting] = useState(defer)
  if (waiting && !defer) setWaiting(false)
  // A thumbnail that cannot be served (an image main could not decode) gives way to the file itself.
  const [thumbFailed, setThumbFailed] = useState(false)
  const preview = previewUrl(client, output)
  const src = thumbFailed ? (output.kind === 'image' ? client.mediaUrl(output.id) : null) : preview
  const alt = outputAlt(output)
  const duration = output.durationMs !== null ? formatMediaDuration(output.durationMs) : null

  if (waiting && (output.kind === 'image' || output.kind === 'video')) return <span className="thumb" />
  if (output.kind === 'image' && src !== null) {
    return (
      <img
        className="thumb"
        src={src}
        alt={alt}
        loading="lazy"
        decoding="async"
        width={output.width ?? undefined}
        height={output.height ?? undefined}
        onError={() => setThumbFailed(true)}
      />
    )
  }
  if (output.kind === 'video') {
    return (
      <span className="thumb thumb--video">
        {src !== null ? (
          <img className="thumb" src={src} alt={alt} loading="lazy" decoding="async" onError={() => setThumbFailed(true)} />
        ) : (
          // No thumbnail yet: the browser shows the first frame.
          <video className="thumb" src={client.mediaUrl(output.id)} muted playsInline preload="metadata" aria-label={alt} />
        )}
        <span className="thumb__badge" aria-hidden="true">
          <Icon name="play" size={12} filled />
          {duration}
        </span>
        <span className="visually-hidden">{duration === null ? 'Video' : `Video, ${duration}`}</span>
      </span>
    )
  }
  return (
    <span className="thumb thumb--file" role="img" aria-label={alt}>
      <Icon name={output.kind === 'audio' ? 'audio' : 'file'} size={30} />
      <span className="thumb__ext">{output.kind === 'audio' && duration !== null ? duration : extension(output.path)}</span>
    </span>
  )
}
