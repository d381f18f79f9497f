import type { Output } from '@shared/output'
import { useCourierClient } from '../store/context'

export const outputAlt = (o: Output): string => o.prompt || `${o.deploymentName} output`

const extension = (path: string): string => path.split('.').pop()?.toUpperCase() ?? 'FILE'

/** A small, lazily loaded preview of a saved output. */
export function MediaThumb({ output }: { output: Output }) {
  const { mediaUrl } = useCourierClient()
  const src = mediaUrl(output.id)
  if (output.kind === 'image') {
    return (
      <img
        className="thumb"
        src={src}
        alt={outputAlt(output)}
        loading="lazy"
        decoding="async"
        width={output.width ?? undefined}
        height={output.height ?? undefined}
      />
    )
  }
  if (output.kind === 'video') {
    return <video className="thumb" src={src} muted playsInline preload="metadata" aria-label={outputAlt(output)} />
  }
  return (
    <span className="thumb thumb--file" role="img" aria-label={outputAlt(output)}>
      {extension(output.path)}
    </span>
  )
}
