import type { DownloadProgress } from '@shared/events'
import type { Run } from '@shared/run'
import { useCourier } from '../store/context'
import { formatBytes, formatEta } from './format'
import { ProgressBar } from './ProgressBar'

const stateLabel: Record<DownloadProgress['state'], string> = {
  queued: 'Waiting',
  downloading: 'Downloading',
  retrying: 'Retrying',
  done: 'Saved',
  failed: 'Failed',
}

/** "1.2 MB of 4.0 MB · 850 KB/s · 3 s left", with what is known. */
export function downloadText(p: DownloadProgress): string {
  const parts = [p.totalBytes !== null ? `${formatBytes(p.receivedBytes)} of ${formatBytes(p.totalBytes)}` : `${formatBytes(p.receivedBytes)} received`]
  if (p.state === 'downloading' && p.bytesPerSecond !== null && p.bytesPerSecond > 0) parts.push(`${formatBytes(p.bytesPerSecond)}/s`)
  if (p.state === 'downloading' && p.etaSeconds !== null) parts.push(`${formatEta(p.etaSeconds)} left`)
  return parts.join(' · ')
}

/**
 * Each output file of a succeeded run on its way to disk (from `download.progress`): state, a bar, bytes,
 * rate, time left, and why it is retrying or failed. Shown until core says every file is saved
 * (`run.outputs`), and kept when some could not be, so the user sees which.
 */
export function DownloadList({ run }: { run: Run }) {
  const files = useCourier((s) => s.downloads.byRun[run.id])
  if (run.outputs === 'none' || run.outputs === 'saved') return null
  const list = files ?? []
  if (list.length === 0) return run.outputs === 'pending' ? <p className="run__saving muted">Saving the outputs…</p> : null
  return (
    <ul className="downloads" aria-label="Downloads">
      {list.map((p) => {
        const name = `File ${p.index + 1}`
        const fraction = p.state === 'done' ? 1 : p.totalBytes !== null && p.totalBytes > 0 ? p.receivedBytes / p.totalBytes : 0
        const text = downloadText(p)
        return (
          <li key={p.index} className={`download download--${p.state}`} data-download-index={p.index} data-download-state={p.state}>
            <div className="download__head">
              <span className="download__name">{name}</span>
              <span className="download__state">{stateLabel[p.state]}</span>
              <span className="download__bytes muted">{text}</span>
            </div>
            <ProgressBar
              value={fraction}
              label={`Download of ${name.toLowerCase()}`}
              unknown={p.state !== 'done' && p.totalBytes === null}
              indeterminate={p.state === 'queued'}
              valueText={`${stateLabel[p.state]}: ${text}`}
              tone={p.state === 'failed' ? 'error' : p.state === 'retrying' ? 'warn' : p.state === 'done' ? 'ok' : undefined}
            />
            {p.message !== null && (p.state === 'retrying' || p.state === 'failed') && (
              <p className={`download__message download__message--${p.state}`}>{p.message}</p>
            )}
          </li>
        )
      })}
    </ul>
  )
}
