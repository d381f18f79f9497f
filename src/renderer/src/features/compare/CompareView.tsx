import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react'
import type { Output } from '@shared/output'
import type { InputValue, Run } from '@shared/run'
import { Modal } from '../../components/Modal'
import { outputAlt } from '../../components/MediaThumb'
import { useCourier, useCourierClient } from '../../store/context'

/** The most outputs side by side. */
export const COMPARE_MAX = 4
export const COMPARE_MIN = 2
const LETTERS = ['A', 'B', 'C', 'D'] as const
const MAX_SCALE = 16
const STEP = 1.25

/** The shared zoom: 1 fits each image in its pane; x and y move the picture by fractions of its pane. */
export interface CompareZoom {
  scale: number
  x: number
  y: number
}
export const FIT: CompareZoom = { scale: 1, x: 0, y: 0 }

/** Keeps the picture over its pane: it may not be dragged further than its zoomed edges. */
export function clampZoom(z: CompareZoom): CompareZoom {
  const scale = Math.min(MAX_SCALE, Math.max(1, z.scale))
  const limit = (scale - 1) / 2
  return { scale, x: Math.min(limit, Math.max(-limit, z.x)), y: Math.min(limit, Math.max(-limit, z.y)) }
}

/** Zooms to `scale` keeping the point `at` (fractions of the pane from its centre) where it is. */
export function zoomAround(z: CompareZoom, scale: number, at: { x: number; y: number } = { x: 0, y: 0 }): CompareZoom {
  const to = Math.min(MAX_SCALE, Math.max(1, scale))
  const k = to / z.scale
  return clampZoom({ scale: to, x: at.x - (at.x - z.x) * k, y: at.y - (at.y - z.y) * k })
}

/** A value as the table shows it. */
const valueText = (value: InputValue | undefined): string => (value === undefined ? '—' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value))

export interface CompareRow {
  key: string
  label: string
  values: string[]
  differs: boolean
}

/** The inputs of the outputs compared, one row per input any of them has; a row differs when its values do (those come first). */
export function compareRows(outputs: readonly Output[], runs: ReadonlyArray<Run | null>, labels: (id: string) => string): CompareRow[] {
  const rows: CompareRow[] = []
  const row = (key: string, label: string, values: string[]) => rows.push({ key, label, values, differs: new Set(values).size > 1 })
  row('deployment', 'Deployment', outputs.map((o) => o.deploymentName))
  const keys: string[] = []
  for (const run of runs) for (const k of Object.keys(run?.inputs ?? {})) if (!keys.includes(k)) keys.push(k)
  if (keys.length === 0) {
    row('prompt', 'Prompt', outputs.map((o) => o.prompt || '—'))
    row('seed', 'Seed', outputs.map((o) => (o.seed === null ? '—' : String(o.seed))))
  }
  for (const k of keys) row(`input:${k}`, labels(k), runs.map((r) => valueText(r?.inputs[k])))
  row('size', 'Size', outputs.map((o) => (o.width !== null && o.height !== null ? `${o.width} × ${o.height}` : '—')))
  // What differs first: it is what the comparison is about, and a short window shows it without scrolling.
  return [...rows.filter((r) => r.differs), ...rows.filter((r) => !r.differs)]
}

/**
 * Side by side (issue 18): 2–4 outputs with one zoom and pan for all (the wheel or a pinch zooms, a drag pans,
 * + / − / 0 and the arrow keys too), a table of their inputs with the differences marked, and for two images a
 * swipe mode: one over the other, a divider dragged (or moved with the arrow keys) to show either.
 */
export function CompareView({ outputs, onClose }: { outputs: readonly Output[]; onClose(): void }) {
  const client = useCourierClient()
  const fetchRun = useCourier((s) => s.runs.fetch)
  const deployments = useCourier((s) => s.generate.deployments)
  const [runs, setRuns] = useState<Array<Run | null>>(() => outputs.map(() => null))
  const [zoom, setZoom] = useState<CompareZoom>(FIT)
  const [mode, setMode] = useState<'side' | 'swipe'>('side')
  const [split, setSplit] = useState(50)
  const [onlyDiff, setOnlyDiff] = useState(false)
  const titleId = useId()
  const stageRef = useRef<HTMLDivElement>(null)
  const canSwipe = outputs.length === 2 && outputs.every((o) => o.kind === 'image')

  useEffect(() => {
    let live = true
    void Promise.all(outputs.map((o) => (o.runId === null ? Promise.resolve(null) : fetchRun(o.runId).then((r) => (r.ok ? r.value : null))))).then((found) => {
      if (live) setRuns(found)
    })
    return () => {
      live = false
    }
  }, [outputs, fetchRun])

  const label = useCallback(
    (id: string) => {
      for (const o of outputs) {
        const field = (o.provider === null ? undefined : deployments[o.provider])?.items.find((d) => d.id === o.deploymentId)?.inputs.find((f) => f.id === id)
        if (field !== undefined) return field.label || id
      }
      return id
    },
    [outputs, deployments],
  )
  const rows = useMemo(() => compareRows(outputs, runs, label), [outputs, runs, label])
  const differing = rows.filter((r) => r.differs).length

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as Element
    if (target.closest('input, select, textarea, [role="slider"]') !== null) return
    const pan = 0.1 / zoom.scale
    const keys: Record<string, () => CompareZoom> = {
      '+': () => zoomAround(zoom, zoom.scale * STEP),
      '=': () => zoomAround(zoom, zoom.scale * STEP),
      '-': () => zoomAround(zoom, zoom.scale / STEP),
      '0': () => FIT,
      ArrowLeft: () => clampZoom({ ...zoom, x: zoom.x + pan }),
      ArrowRight: () => clampZoom({ ...zoom, x: zoom.x - pan }),
      ArrowUp: () => clampZoom({ ...zoom, y: zoom.y + pan }),
      ArrowDown: () => clampZoom({ ...zoom, y: zoom.y - pan }),
    }
    const act = keys[e.key]
    if (act === undefined || e.ctrlKey || e.metaKey || e.altKey) return
    if (e.key.startsWith('Arrow') && zoom.scale === 1) return
    e.preventDefault()
    setZoom(act())
  }

  // The wheel (and a trackpad's pinch, sent as a wheel with Ctrl) zooms around the pointer; added by hand, as
  // React's wheel listeners are passive and the page must not scroll.
  useEffect(() => {
    const stage = stageRef.current
    if (stage === null) return
    const onWheel = (e: WheelEvent) => {
      const pane = (e.target as Element).closest<HTMLElement>('[data-compare-pane]')
      if (pane === null) return
      e.preventDefault()
      const box = pane.getBoundingClientRect()
      const at = { x: (e.clientX - box.left) / Math.max(1, box.width) - 0.5, y: (e.clientY - box.top) / Math.max(1, box.height) - 0.5 }
      const factor = Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0025))
      setZoom((z) => zoomAround(z, z.scale * factor, at))
    }
    stage.addEventListener('wheel', onWheel, { passive: false })
    return () => stage.removeEventListener('wheel', onWheel)
  }, [mode])

  // Dragging pans every pane; two pointers pinch.
  const pointers = useRef(new Map<number, { x: number; y: number }>())
  const pinch = useRef<{ distance: number; scale: number } | null>(null)
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || (e.target as Element).closest('[role="slider"]') !== null) return
    e.currentTarget.setPointerCapture?.(e.pointerId)
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY })
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()]
      if (a !== undefined && b !== undefined) pinch.current = { distance: Math.hypot(a.x - b.x, a.y - b.y), scale: zoom.scale }
    }
  }
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const last = pointers.current.get(e.pointerId)
    if (last === undefined) return
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY })
    if (pointers.current.size === 2 && pinch.current !== null) {
      const [a, b] = [...pointers.current.values()]
      if (a === undefined || b === undefined) return
      const start = pinch.current
      setZoom((z) => zoomAround(z, (start.scale * Math.hypot(a.x - b.x, a.y - b.y)) / Math.max(1, start.distance)))
      return
    }
    const box = e.currentTarget.getBoundingClientRect()
    const dx = (e.clientX - last.x) / Math.max(1, box.width)
    const dy = (e.clientY - last.y) / Math.max(1, box.height)
    setZoom((z) => clampZoom({ ...z, x: z.x + dx, y: z.y + dy }))
  }
  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>) => {
    pointers.current.delete(e.pointerId)
    if (pointers.current.size < 2) pinch.current = null
  }
  const paneHandlers = { onPointerDown, onPointerMove, onPointerUp, onPointerCancel: onPointerUp, onDoubleClick: () => setZoom((z) => (z.scale > 1 ? FIT : zoomAround(z, 2))) }

  const transform = `translate(${zoom.x * 100}%, ${zoom.y * 100}%) scale(${zoom.scale})`
  const media = (o: Output, i: number, className = 'compare__img') =>
    o.kind === 'image' ? (
      <img className={className} src={client.mediaUrl(o.id)} alt={`${LETTERS[i]}: ${outputAlt(o)}`} draggable={false} style={{ transform }} />
    ) : (
      <p className="compare__nofile muted">{LETTERS[i]}: a {o.kind} file: only images are shown side by side.</p>
    )

  return (
    <Modal labelledBy={titleId} className="dialog compare" onClose={onClose} onKeyDown={onKeyDown} panelProps={{ 'data-compare-count': outputs.length, 'data-zoom': Math.round(zoom.scale * 100) }}>
      <header className="compare__head">
        <h2 id={titleId} className="compare__title">
          Compare {outputs.length} outputs
        </h2>
        {canSwipe && (
          <div className="segmented segmented--small" role="group" aria-label="Layout">
            <button type="button" className="segmented__item" aria-pressed={mode === 'side'} onClick={() => setMode('side')}>
              Side by side
            </button>
            <button type="button" className="segmented__item" aria-pressed={mode === 'swipe'} onClick={() => setMode('swipe')}>
              Swipe
            </button>
          </div>
        )}
        <div className="compare__zoom" role="group" aria-label="Zoom, for every image">
          <button type="button" className="btn btn--small btn--ghost" aria-label="Zoom out" aria-keyshortcuts="-" onClick={() => setZoom((z) => zoomAround(z, z.scale / STEP))} disabled={zoom.scale <= 1}>
            −
          </button>
          <output className="compare__pct" aria-live="polite">
            {zoom.scale === 1 ? 'Fit' : `${Math.round(zoom.scale * 100)} %`}
          </output>
          <button type="button" className="btn btn--small btn--ghost" aria-label="Zoom in" aria-keyshortcuts="+" onClick={() => setZoom((z) => zoomAround(z, z.scale * STEP))} disabled={zoom.scale >= MAX_SCALE}>
            +
          </button>
          <button type="button" className="btn btn--small btn--ghost" aria-keyshortcuts="0" onClick={() => setZoom(FIT)} disabled={zoom.scale === 1}>
            Fit
          </button>
        </div>
        <button type="button" className="icon-btn compare__close" aria-label="Close" onClick={onClose}>
          ×
        </button>
        <p className="compare__help muted">Wheel or pinch to zoom, drag to pan, + − 0 and the arrow keys too: every image follows.</p>
      </header>
      <div ref={stageRef} className={`compare__stage compare__stage--${mode === 'swipe' && canSwipe ? 'swipe' : `n${outputs.length}`}`}>
        {mode === 'swipe' && canSwipe && outputs[0] !== undefined && outputs[1] !== undefined ? (
          <div className="compare__pane compare__pane--swipe" data-compare-pane="" {...paneHandlers}>
            {media(outputs[1], 1)}
            <div className="compare__over" style={{ clipPath: `inset(0 ${100 - split}% 0 0)` }}>
              {media(outputs[0], 0)}
            </div>
            <span className="compare__letter compare__letter--left" aria-hidden="true">
              A
            </span>
            <span className="compare__letter compare__letter--right" aria-hidden="true">
              B
            </span>
            <Divider value={split} onChange={setSplit} />
          </div>
        ) : (
          outputs.map((o, i) => (
            <figure key={o.id} className="compare__pane" data-compare-pane="" data-output-id={o.id} {...paneHandlers}>
              {media(o, i)}
              <figcaption className="compare__letter">{LETTERS[i]}</figcaption>
            </figure>
          ))
        )}
      </div>
      <section className="compare__inputs" aria-labelledby={`${titleId}-inputs`}>
        <div className="compare__inputs-head">
          <h3 id={`${titleId}-inputs`} className="compare__subtitle">
            Inputs · {differing === 0 ? 'all the same' : `${differing} ${differing === 1 ? 'differs' : 'differ'}`}
          </h3>
          <label className="check">
            <input type="checkbox" checked={onlyDiff} onChange={(e) => setOnlyDiff(e.target.checked)} /> Only the differences
          </label>
        </div>
        <div className="compare__table-wrap" tabIndex={0} role="region" aria-label="Inputs of the outputs compared">
          <table className="compare-table">
            <thead>
              <tr>
                <th scope="col">Input</th>
                {outputs.map((o, i) => (
                  <th key={o.id} scope="col">
                    {LETTERS[i]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows
                .filter((r) => !onlyDiff || r.differs)
                .map((r) => (
                  <tr key={r.key} className={r.differs ? 'compare-table__row--differs' : undefined} data-differs={r.differs ? 'true' : undefined}>
                    <th scope="row">
                      {r.differs && (
                        <span className="compare-table__mark" title="Differs">
                          ≠<span className="visually-hidden"> Differs: </span>
                        </span>
                      )}
                      {r.label}
                    </th>
                    {r.values.map((v, i) => (
                      <td key={i} title={v}>
                        {v}
                      </td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </section>
    </Modal>
  )
}

/** The swipe divider: a slider (arrow keys, Home, End, Page keys) that can also be dragged. */
function Divider({ value, onChange }: { value: number; onChange(value: number): void }) {
  const ref = useRef<HTMLDivElement>(null)
  const dragging = useRef(false)
  const from = (clientX: number) => {
    const pane = ref.current?.parentElement?.getBoundingClientRect()
    if (pane === undefined || pane.width === 0) return
    onChange(Math.round(Math.min(100, Math.max(0, ((clientX - pane.left) / pane.width) * 100))))
  }
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 10 : 2
    const next: Record<string, number> = { ArrowLeft: value - step, ArrowDown: value - step, ArrowRight: value + step, ArrowUp: value + step, Home: 0, End: 100, PageDown: value - 10, PageUp: value + 10 }
    const to = next[e.key]
    if (to === undefined) return
    e.preventDefault()
    e.stopPropagation()
    onChange(Math.min(100, Math.max(0, to)))
  }
  return (
    <div
      ref={ref}
      className="compare__divider"
      role="slider"
      tabIndex={0}
      aria-label="Divider: A on the left, B on the right"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      aria-valuetext={`${value} % of A shown`}
      style={{ left: `${value}%` }}
      onKeyDown={onKeyDown}
      onPointerDown={(e) => {
        e.stopPropagation()
        dragging.current = true
        e.currentTarget.setPointerCapture?.(e.pointerId)
      }}
      onPointerMove={(e) => {
        if (dragging.current) from(e.clientX)
      }}
      onPointerUp={() => {
        dragging.current = false
      }}
    >
      <span className="compare__grip" aria-hidden="true">
        ⇔
      </span>
    </div>
  )
}
