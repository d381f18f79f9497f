import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import type { InputField } from '@shared/deployment'
import type { Output, OutputId } from '@shared/output'
import type { Failure } from '@shared/result'
import type { InputValue, Run } from '@shared/run'
import { shortcutFor, type ShortcutId } from '../keyboard/shortcuts'
import { useCourier, useCourierClient } from '../store/context'
import { openHistoryLayer, type HistoryLayer } from '../store/location'
import { inputLabel } from './input-label'
import { downloadUrl } from '../api/media-url'
import { copyImage, copyText, clipboardProblem } from './clipboard'
import { ConfirmDialog } from './ConfirmDialog'
import { ErrorNotice } from './ErrorNotice'
import { formatBytes, formatMediaDuration, formatTime, formatWhen, shortId, shortRunId } from './format'
import { GenerationData } from './GenerationData'
import { Icon, type IconName } from './Icon'
import { kindLabel, outputAlt } from './MediaThumb'
import { Modal, ModalToasts } from './Modal'
import { RunCost } from './RunCost'
import { isPreviewable, PREVIEW_BYTES, previewText, type TextPreview } from './text-preview'
import { UseAsInput } from './UseAsInput'
import { ZoomImage, type ZoomControls } from './ZoomImage'

export const providerName = { demo: 'Demo', comfydeploy: 'ComfyDeploy', runcomfy: 'RunComfy', comfyui: 'ComfyUI' } as const

interface Props {
  /** The list the lightbox steps through (the gallery's loaded pages, or one run's outputs). */
  outputs: readonly Output[]
  openId: OutputId
  onNavigate(id: OutputId): void
  /** Closed, showing `shown` last (null when it was deleted and nothing is left to show). */
  onClose(shown: OutputId | null): void
  /** More outputs can be loaded after the last one: the lightbox asks near the end (`onNearEnd`). */
  hasMore?: boolean
  onNearEnd?(): void
  /** Where focus goes on closing (else back to what opened the lightbox). */
  returnFocus?: () => HTMLElement | null
  /** Offered beside the batch id: show only that batch's outputs (the gallery). */
  onFilterBatch?(batchId: string): void
}

/** Actions only the desktop app can do (the web version does not show them: it offers Download instead). */
const DESKTOP_ACTIONS: readonly { how: 'open' | 'reveal'; icon: IconName; label: string; title: string }[] = [
  { how: 'open', icon: 'open', label: 'Open', title: 'Open with its default app' },
  { how: 'reveal', icon: 'folder', label: 'Reveal in folder', title: 'Show the file in its folder' },
]


const inputText = (value: InputValue): string => {
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'number') return String(value)
  return value.startsWith('data:') ? `${value.slice(0, value.indexOf(',') + 1)}… (${formatBytes(value.length)} inline)` : value
}

/** Keys the lightbox leaves to the element that has focus (text boxes, and players, whose arrows seek). */
const ownsKeys = (target: EventTarget): boolean =>
  target instanceof Element && target.closest('input, textarea, select, video, audio, [contenteditable="true"]') !== null

/**
 * One output, large: ← / → step through the list (across the pages loaded), Esc closes; images zoom
 * (+ / − / 0, the wheel, double-click) and pan; videos and audio play with their native controls. The side
 * panel has the run's prompt, every input, the file's facts, and what can be done with it.
 */
export function Lightbox({ outputs, openId, onNavigate, onClose: closed, hasMore = false, onNearEnd, returnFocus, onFilterBatch }: Props) {
  const client = useCourierClient()
  const desktop = useCourier((s) => s.app.info?.mode === 'electron')
  const setFavourite = useCourier((s) => s.outputs.setFavourite)
  const remove = useCourier((s) => s.outputs.remove)
  const openFile = useCourier((s) => s.outputs.open)
  const rerun = useCourier((s) => s.runs.rerun)
  const showRun = useCourier((s) => s.runs.show)
  const toast = useCourier((s) => s.toasts.show)
  const failed = useCourier((s) => s.toasts.failure)
  const titleId = useId()
  const zoomRef = useRef<ZoomControls>(null)
  const [zoom, setZoom] = useState<number | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState<'delete' | 'same' | 'new' | null>(null)

  // The output shown is held by id; when it leaves the list (deleted) the one after it takes its place.
  const index = outputs.findIndex((o) => o.id === openId)
  const found = index >= 0 ? outputs[index] : undefined
  const [shown, setShown] = useState<{ output: Output; index: number } | null>(found ? { output: found, index } : null)
  if (found !== undefined && (shown?.output !== found || shown.index !== index)) setShown({ output: found, index })
  const output = found ?? shown?.output
  const lastIndex = index >= 0 ? index : (shown?.index ?? 0)

  // Browser Back closes the lightbox (it has a history entry of its own) instead of leaving the view.
  const layerRef = useRef<HistoryLayer | null>(null)
  const closedRef = useRef(closed)
  const shownIdRef = useRef<OutputId | null>(output?.id ?? null)
  useEffect(() => {
    closedRef.current = closed
    shownIdRef.current = output?.id ?? null
  })
  useEffect(() => {
    const layer = openHistoryLayer(window, () => closedRef.current(shownIdRef.current))
    layerRef.current = layer
    return () => layer.close()
  }, [])
  /** Closes it: its history entry goes first, so a view opened next (Show run) is not undone by that step back. */
  const onClose = (last: OutputId | null) => {
    layerRef.current?.close()
    closed(last)
  }

  useEffect(() => {
    if (index >= 0) return
    const next = outputs[lastIndex] ?? outputs[lastIndex - 1]
    if (next !== undefined) onNavigate(next.id)
    else {
      layerRef.current?.close()
      closed(null)
    }
  }, [index, lastIndex, outputs, onNavigate, closed])

  useEffect(() => {
    if (hasMore && index >= 0 && index >= outputs.length - 3) onNearEnd?.()
  }, [hasMore, index, outputs.length, onNearEnd])

  // An imported output has no run: nothing to look up, re-run or show.
  const run = useCourier((s) =>
    output === undefined || output.runId === null ? undefined : (s.runs.items.find((r) => r.id === output.runId) ?? s.runs.byId[output.runId]),
  )
  const fetchRun = useCourier((s) => s.runs.fetch)
  const [runError, setRunError] = useState<{ runId: string; error: Failure } | null>(null)
  const runId = output?.runId
  useEffect(() => {
    if (runId === undefined || runId === null || run !== undefined) return
    let live = true
    void fetchRun(runId).then((res) => {
      if (live && !res.ok) setRunError({ runId, error: res.error })
    })
    return () => {
      live = false
    }
  }, [runId, run, fetchRun])

  if (output === undefined) return null
  const hasPrev = lastIndex > 0 && index >= 0
  const hasNext = index >= 0 && index < outputs.length - 1
  const src = client.mediaUrl(output.id)
  const download = downloadUrl(client, output.id)
  const alt = outputAlt(output)
  const go = (step: -1 | 1) => {
    const next = outputs[index + step]
    if (index >= 0 && next !== undefined) onNavigate(next.id)
  }

  const toggleFavourite = async () => {
    const res = await setFavourite(output.id, !output.favourite)
    if (!res.ok) failed('Could not change the favourite', res.error)
  }

  const copyPrompt = async () => {
    try {
      await copyText(run ? promptOf(run, output) : output.prompt)
      toast({ tone: 'info', text: 'Prompt copied.' })
    } catch (cause) {
      toast({ tone: 'error', text: `Could not copy the prompt: ${clipboardProblem(cause)}.` })
    }
  }

  const copyPicture = async () => {
    try {
      await copyImage(src)
      toast({ tone: 'info', text: 'Image copied.' })
    } catch (cause) {
      toast({ tone: 'error', text: `Could not copy the image: ${clipboardProblem(cause)}.` })
    }
  }

  const openWith = async (how: 'open' | 'reveal') => {
    const res = await openFile(output.id, how)
    if (!res.ok) failed(how === 'open' ? 'Could not open it' : 'Could not show it in its folder', res.error, () => void openWith(how))
  }

  // The re-run buttons are aria-disabled while one is under way, never disabled: a disabled button loses focus.
  const runAgain = async (seed: 'same' | 'new') => {
    if (busy !== null || output.runId === null) return
    setBusy(seed)
    const res = await rerun(output.runId, seed)
    setBusy(null)
    // Declined at the spend question: nothing was started.
    if (res === null) return
    if (!res.ok) {
      failed('Could not start the run', res.error, () => void runAgain(seed))
      return
    }
    const started = res.value
    toast({
      tone: 'info',
      text: `Started a new run of ${started.deploymentName}${seed === 'new' ? ' with a new seed' : ' with the same seed'}.`,
      action: {
        label: 'Show run',
        run: () => {
          onClose(output.id)
          showRun(started.id)
        },
      },
    })
  }

  const confirmDelete = async () => {
    setBusy('delete')
    const res = await remove([output.id])
    setBusy(null)
    setConfirming(false)
    if (res.ok) toast({ tone: 'info', text: 'Moved to the trash.' })
    else failed('Could not delete it', res.error)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (ownsKeys(e.target)) return
    const zoom = output.kind === 'image' ? zoomRef.current : null
    // Escape (close) is every modal's own key: Modal handles it.
    const actions: Partial<Record<ShortcutId, () => void>> = {
      'lightbox.previous': () => go(-1),
      'lightbox.next': () => go(1),
      'lightbox.favourite': () => void toggleFavourite(),
      'lightbox.delete': () => setConfirming(true),
      ...(zoom ? { 'lightbox.zoom-in': () => zoom.zoomIn(), 'lightbox.zoom-out': () => zoom.zoomOut(), 'lightbox.fit': () => zoom.fit() } : {}),
    }
    const id = shortcutFor('Lightbox', e)
    const action = id === null ? undefined : actions[id]
    if (action) {
      e.preventDefault()
      action()
    }
  }

  const seed = output.seed ?? null
  return (
    <Modal
      className="viewer lightbox"
      labelledBy={titleId}
      onClose={() => onClose(output.id)}
      onKeyDown={onKeyDown}
      returnFocus={returnFocus}
      placesToasts
      panelProps={{ 'data-viewer-output-id': output.id, 'data-kind': output.kind }}
    >
      <header className="viewer__head">
        <h2 id={titleId} className="viewer__title">
          {output.deploymentName}
        </h2>
        <span className="viewer__count">
          {lastIndex + 1} / {outputs.length}
          {hasMore ? '+' : ''}
        </span>
        {output.kind === 'image' && (
          <div className="lightbox__zoom" role="group" aria-label="Zoom">
            <button type="button" className="icon-btn" aria-label="Zoom out" title="Zoom out (−)" onClick={() => zoomRef.current?.zoomOut()}>
              <Icon name="zoomOut" />
            </button>
            <output className="lightbox__zoom-level" aria-label="Zoom level">
              {zoom === null ? 'Fit' : `${Math.round(zoom * 100)} %`}
            </output>
            <button type="button" className="icon-btn" aria-label="Zoom in" title="Zoom in (+)" onClick={() => zoomRef.current?.zoomIn()}>
              <Icon name="zoomIn" />
            </button>
            <button type="button" className="icon-btn" aria-label="Fit to window" title="Fit to window (0)" onClick={() => zoomRef.current?.fit()}>
              <Icon name="fit" />
            </button>
          </div>
        )}
        <button type="button" className="icon-btn" aria-label="Close" title="Close (Esc)" onClick={() => onClose(output.id)}>
          ×
        </button>
      </header>
      <div className="lightbox__body">
        <div className="viewer__stage">
          {output.kind === 'image' && (
            <ZoomImage key={output.id} ref={zoomRef} src={src} alt={alt} width={output.width} height={output.height} onZoomChange={setZoom} />
          )}
          {output.kind === 'video' && (
            <video key={output.id} className="viewer__media" src={src} controls autoPlay loop playsInline preload="metadata" aria-label={alt} />
          )}
          {output.kind === 'audio' && (
            <div className="lightbox__audio">
              <Icon name="audio" size={48} />
              <audio key={output.id} src={src} controls preload="metadata" aria-label={alt} />
            </div>
          )}
          {(output.kind === 'text' || output.kind === 'file') &&
            (!desktop && isPreviewable(output.mime) ? (
              <TextContents key={output.id} src={src} bytes={output.bytes} mime={output.mime} label={`Contents of ${alt}`} />
            ) : (
              <div className="viewer__file">
                <Icon name="file" size={48} />
                <p>
                  {output.mime} · {formatBytes(output.bytes)}
                </p>
              </div>
            ))}
          <button type="button" className="viewer__nav viewer__nav--prev" aria-label="Previous" title="Previous (←)" disabled={!hasPrev} onClick={() => go(-1)}>
            ‹
          </button>
          <ModalToasts />
          <button type="button" className="viewer__nav viewer__nav--next" aria-label="Next" title="Next (→)" disabled={!hasNext} onClick={() => go(1)}>
            ›
          </button>
        </div>
        <section className="lightbox__side" aria-label="Details">
          <div className="lightbox__prompt">
            <h3 className="lightbox__label">Prompt</h3>
            <p className="lightbox__prompt-text">{output.prompt || <span className="muted">No prompt</span>}</p>
          </div>
          <div className="lightbox__actions" role="group" aria-label="Actions">
            <button
              type="button"
              className={`btn btn--small lightbox__fav${output.favourite ? ' lightbox__fav--on' : ''}`}
              aria-pressed={output.favourite}
              title="Favourite (F)"
              onClick={() => void toggleFavourite()}
            >
              <Icon name="star" filled={output.favourite} size={16} />
              Favourite
            </button>
            {output.kind === 'image' && (
              <button type="button" className="btn btn--small" onClick={() => void copyPicture()}>
                <Icon name="copy" size={16} />
                Copy image
              </button>
            )}
            <button type="button" className="btn btn--small" onClick={() => void copyPrompt()} disabled={!output.prompt && run === undefined}>
              <Icon name="copy" size={16} />
              Copy prompt
            </button>
            {desktop &&
              DESKTOP_ACTIONS.map((action) => (
                <button key={action.how} type="button" className="btn btn--small" title={action.title} onClick={() => void openWith(action.how)}>
                  <Icon name={action.icon} size={16} />
                  {action.label}
                </button>
              ))}
            {download !== null && (
              <a className="btn btn--small" href={download} download title="Save the file, named after its deployment, seed and number">
                <Icon name="download" size={16} />
                Download
              </a>
            )}
            {output.runId !== null && (
              <button type="button" className="btn btn--small" aria-disabled={busy !== null} aria-busy={busy === 'same'} onClick={() => void runAgain('same')}>
                <Icon name="rerun" size={16} />
                {seed === null ? 'Re-run' : 'Re-run with same seed'}
              </button>
            )}
            {output.runId !== null && seed !== null && (
              <button type="button" className="btn btn--small" aria-disabled={busy !== null} aria-busy={busy === 'new'} onClick={() => void runAgain('new')}>
                <Icon name="rerun" size={16} />
                Re-run with new seed
              </button>
            )}
            <UseAsInput output={output} onUsed={() => onClose(output.id)} />
            <button type="button" className="btn btn--small btn--danger-ghost" title="Move to trash (Delete)" onClick={() => setConfirming(true)}>
              <Icon name="trash" size={16} />
              Delete…
            </button>
          </div>
          <dl className="lightbox__facts">
            {output.provider !== null ? (
              <>
                <div>
                  <dt>Provider</dt>
                  <dd>{providerName[output.provider]}</dd>
                </div>
                <div>
                  <dt>Deployment</dt>
                  <dd>{output.deploymentName}</dd>
                </div>
              </>
            ) : (
              <>
                <div>
                  <dt>Source</dt>
                  <dd>Imported{output.deploymentName ? ` · ${output.deploymentName}` : ''}</dd>
                </div>
                <div className="lightbox__wide">
                  <dt>Folder</dt>
                  <dd>
                    <code>{output.folder ?? '—'}</code>
                  </dd>
                </div>
              </>
            )}
            {output.missing && (
              <div className="lightbox__wide">
                <dt>On disk</dt>
                <dd>Missing: the file is no longer in its folder</dd>
              </div>
            )}
            <div>
              <dt>Seed</dt>
              <dd>{seed ?? '—'}</dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>
                {kindLabel[output.kind]} · {output.mime}
              </dd>
            </div>
            <div>
              <dt>Size</dt>
              <dd>
                {formatBytes(output.bytes)} ({output.bytes.toLocaleString()} bytes)
              </dd>
            </div>
            <div>
              <dt>{output.kind === 'video' || output.kind === 'audio' ? 'Duration' : 'Dimensions'}</dt>
              <dd>
                {output.kind === 'video' || output.kind === 'audio'
                  ? output.durationMs !== null
                    ? formatMediaDuration(output.durationMs)
                    : '—'
                  : output.width !== null && output.height !== null
                    ? `${output.width} × ${output.height}`
                    : '—'}
              </dd>
            </div>
            {output.kind === 'video' && (
              <div>
                <dt>Dimensions</dt>
                <dd>{output.width !== null && output.height !== null ? `${output.width} × ${output.height}` : '—'}</dd>
              </div>
            )}
            <div>
              <dt>Created</dt>
              <dd>
                <time dateTime={new Date(output.createdAt).toISOString()} title={formatTime(output.createdAt)}>
                  {formatWhen(output.createdAt)}
                </time>
              </dd>
            </div>
            {output.runId !== null && (
              <div>
                <dt>Run</dt>
                <dd>
                  <code title={output.runId}>{shortRunId(output.runId)}</code>
                </dd>
              </div>
            )}
            {run != null && output.provider !== null && (run.provider === 'demo' || run.cost !== null) && (
              <div>
                <dt>Cost</dt>
                <dd>
                  <RunCost run={run} />
                </dd>
              </div>
            )}
            {run?.providerRunId != null && output.provider !== null && (
              <div>
                <dt>{providerName[output.provider]} run</dt>
                <dd>
                  <code>{run.providerRunId}</code>
                </dd>
              </div>
            )}
            {output.batchId !== null && (
              <div>
                <dt>Batch</dt>
                <dd>
                  <code title={output.batchId}>{shortId(output.batchId)}</code>
                  {onFilterBatch && (
                    <button
                      type="button"
                      className="link link--small"
                      onClick={() => {
                        const batch = output.batchId
                        onClose(output.id)
                        if (batch !== null) onFilterBatch(batch)
                      }}
                    >
                      Only this batch
                    </button>
                  )}
                </dd>
              </div>
            )}
            <div className="lightbox__wide">
              <dt>SHA-256</dt>
              <dd>
                <code className="lightbox__hash">{output.sha256}</code>
              </dd>
            </div>
            {output.originalSha256 !== null && (
              <div className="lightbox__wide">
                <dt title="The file as the service sent it, before the generation record was written into it">SHA-256 as sent</dt>
                <dd>
                  <code className="lightbox__hash">{output.originalSha256}</code>
                </dd>
              </div>
            )}
            <div className="lightbox__wide">
              <dt>File</dt>
              <dd>
                <code>{output.path}</code>
              </dd>
            </div>
          </dl>
          <GenerationData output={output} onUse={() => onClose(output.id)} />
          {output.runId !== null && (
          <div className="lightbox__inputs-wrap">
            <h3 className="lightbox__label">Inputs</h3>
            {run !== undefined ? (
              <InputList run={run} />
            ) : runError !== null && runError.runId === output.runId ? (
              <ErrorNotice error={runError.error} className="notice--compact" />
            ) : (
              <p className="muted">Loading the run’s inputs…</p>
            )}
          </div>
          )}
        </section>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Move this output to the trash?"
          confirmLabel="Move to trash"
          danger
          busy={busy === 'delete'}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            <code>{output.path}</code> goes to your system’s trash, where you can still restore it.{output.runId !== null ? ' The run stays in Runs.' : ''}
          </p>
        </ConfirmDialog>
      )}
    </Modal>
  )
}

/** The run's prompt as submitted (the output keeps a copy, which this prefers when the run has none). */
function promptOf(run: Run, output: Output): string {
  return output.prompt || (Object.values(run.inputs).find((v) => typeof v === 'string') as string | undefined) || ''
}

function InputList({ run }: { run: Run }) {
  const deployments = useCourier((s) => s.generate.deployments[run.provider])
  const loadDeployments = useCourier((s) => s.generate.loadDeployments)
  const fields: readonly InputField[] | undefined = deployments?.items.find((d) => d.id === run.deploymentId)?.inputs
  // The form's labels come with the provider's deployments; a provider not shown in Generate yet is asked once.
  useEffect(() => {
    if (deployments === undefined) void loadDeployments(run.provider)
  }, [deployments, loadDeployments, run.provider])
  const entries = Object.entries(run.inputs)
  if (entries.length === 0) return <p className="muted">This run was sent with the deployment’s defaults.</p>
  return (
    <dl className="lightbox__inputs" aria-label="Inputs">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt title={key}>{inputLabel(key, fields)}</dt>
          <dd>{inputText(value)}</dd>
        </div>
      ))}
    </dl>
  )
}

/** A text or JSON output's first `PREVIEW_BYTES`, as text in a focusable `pre` (never as HTML). */
function TextContents({ src, bytes, mime, label }: { src: string; bytes: number; mime: string; label: string }) {
  const [preview, setPreview] = useState<TextPreview | 'loading' | 'failed'>('loading')
  useEffect(() => {
    const aborted = new AbortController()
    const end = Math.min(bytes, PREVIEW_BYTES) - 1
    void (async () => {
      try {
        const res = await fetch(src, { signal: aborted.signal, headers: end >= 0 ? { range: `bytes=0-${end}` } : {} })
        if (!res.ok) throw new Error(`HTTP ${res.status}`)
        const body = new Uint8Array(await res.arrayBuffer()).slice(0, PREVIEW_BYTES)
        setPreview(previewText(body, bytes, mime))
      } catch {
        if (!aborted.signal.aborted) setPreview('failed')
      }
    })()
    return () => aborted.abort()
  }, [src, bytes, mime])
  if (preview === 'loading') return <p className="muted">Reading the file…</p>
  if (preview === 'failed') return <p className="muted">The file could not be read for a preview. Download it to see it.</p>
  return (
    <div className="lightbox__text">
      <pre className="lightbox__text-body" tabIndex={0} aria-label={label}>
        {preview.text}
      </pre>
      {preview.truncated && <p className="muted">This shows the first {formatBytes(PREVIEW_BYTES)}. Download the file to see all of it.</p>}
    </div>
  )
}
