import { forwardRef, useEffect, useImperativeHandle, useRef, useState, type PointerEvent } from 'react'

/** What the lightbox's keys and buttons can ask of the image. */
export interface ZoomControls {
  zoomIn(): void
  zoomOut(): void
  fit(): void
}

interface Props {
  src: string
  alt: string
  /** The image's size as main recorded it, used until the browser has decoded it. */
  width: number | null
  height: number | null
  /** Tells the lightbox the zoom shown: null when fitted to the stage, else the scale (1 = 100 %). */
  onZoomChange?(scale: number | null): void
}

const STEP = 1.25
const MAX_SCALE = 8

interface View {
  /** null: fitted to the stage (no panning). */
  scale: number | null
  x: number
  y: number
}

const FITTED: View = { scale: null, x: 0, y: 0 }

/**
 * An image that fits the stage and zooms: +/−/0 (through `ZoomControls`), the wheel (around the pointer),
 * double-click to go between fitted and 100 % (200 % for an image already shown at full size), and drag to
 * pan once zoomed. The stage carries `data-zoom`: "fit" or the percentage.
 */
export const ZoomImage = forwardRef<ZoomControls, Props>(function ZoomImage({ src, alt, width, height, onZoomChange }, ref) {
  const stageRef = useRef<HTMLDivElement>(null)
  // Keyed by the picture in the lightbox, so a new picture starts fitted with nothing measured.
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null)
  const [view, setView] = useState<View>(FITTED)
  const drag = useRef<{ id: number; x: number; y: number; startX: number; startY: number } | null>(null)
  const [dragging, setDragging] = useState(false)
  const size = natural ?? (width !== null && height !== null ? { w: width, h: height } : null)

  useEffect(() => onZoomChange?.(view.scale), [view.scale, onZoomChange])

  /** The stage's size, and the scale at which the whole image fits in it (never above 100 %). */
  const measure = () => {
    const stage = stageRef.current
    const sw = stage?.clientWidth ?? 0
    const sh = stage?.clientHeight ?? 0
    const fit = size === null || sw === 0 || sh === 0 ? 1 : Math.min(1, sw / size.w, sh / size.h)
    return { sw, sh, fit }
  }

  /** Keeps the picture covering the stage where it is larger than it; centred where it is smaller. */
  const clamp = (v: View): View => {
    if (v.scale === null || size === null) return FITTED
    const { sw, sh } = measure()
    const maxX = Math.max(0, (size.w * v.scale - sw) / 2)
    const maxY = Math.max(0, (size.h * v.scale - sh) / 2)
    return { scale: v.scale, x: Math.min(maxX, Math.max(-maxX, v.x)), y: Math.min(maxY, Math.max(-maxY, v.y)) }
  }

  /** Zooms to `scale`, keeping the point `at` (relative to the stage's centre) where it is. */
  const zoomTo = (scale: number, at: { x: number; y: number } = { x: 0, y: 0 }) => {
    const { fit } = measure()
    const from = view.scale ?? fit
    const to = Math.min(MAX_SCALE, scale)
    if (to <= fit + 1e-6) setView(FITTED)
    else {
      const k = to / from
      setView(clamp({ scale: to, x: at.x - (at.x - view.x) * k, y: at.y - (at.y - view.y) * k }))
    }
  }

  const current = () => view.scale ?? measure().fit
  useImperativeHandle(ref, () => ({
    zoomIn: () => zoomTo(current() * STEP),
    zoomOut: () => zoomTo(current() / STEP),
    fit: () => setView(FITTED),
  }))

  /** A pointer position relative to the stage's centre. */
  const fromCentre = (clientX: number, clientY: number) => {
    const r = stageRef.current?.getBoundingClientRect()
    if (r === undefined || r.width === 0) return { x: 0, y: 0 }
    return { x: clientX - (r.left + r.width / 2), y: clientY - (r.top + r.height / 2) }
  }

  // The wheel zooms; React's wheel listeners are passive, so this one is added by hand to stop the page scrolling.
  useEffect(() => {
    const stage = stageRef.current
    if (stage === null) return
    const onWheel = (e: WheelEvent) => {
      e.preventDefault()
      const factor = Math.pow(1.0015, -e.deltaY * (e.deltaMode === 1 ? 33 : 1))
      zoomTo(current() * factor, fromCentre(e.clientX, e.clientY))
    }
    stage.addEventListener('wheel', onWheel, { passive: false })
    return () => stage.removeEventListener('wheel', onWheel)
  })

  const onDoubleClick = (e: { clientX: number; clientY: number }) => {
    if (view.scale !== null) {
      setView(FITTED)
      return
    }
    const { fit } = measure()
    zoomTo(fit < 1 ? 1 : 2, fromCentre(e.clientX, e.clientY))
  }

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (view.scale === null || e.button !== 0) return
    e.currentTarget.setPointerCapture?.(e.pointerId)
    drag.current = { id: e.pointerId, x: view.x, y: view.y, startX: e.clientX, startY: e.clientY }
    setDragging(true)
  }
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current
    if (d === null || d.id !== e.pointerId) return
    setView((v) => clamp({ ...v, x: d.x + e.clientX - d.startX, y: d.y + e.clientY - d.startY }))
  }
  const endDrag = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current?.id !== e.pointerId) return
    drag.current = null
    setDragging(false)
  }

  const zoomed = view.scale !== null && size !== null
  return (
    <div
      ref={stageRef}
      className={`zoom${zoomed ? ' zoom--zoomed' : ''}${dragging ? ' zoom--dragging' : ''}`}
      data-zoom={view.scale === null ? 'fit' : String(Math.round(view.scale * 100))}
      onDoubleClick={onDoubleClick}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
    >
      <img
        className="zoom__img"
        src={src}
        alt={alt}
        draggable={false}
        onLoad={(e) => {
          const img = e.currentTarget
          if (img.naturalWidth > 0) setNatural({ w: img.naturalWidth, h: img.naturalHeight })
        }}
        style={
          zoomed
            ? {
                width: `${size.w * (view.scale ?? 1)}px`,
                height: `${size.h * (view.scale ?? 1)}px`,
                transform: `translate(calc(-50% + ${view.x}px), calc(-50% + ${view.y}px))`,
              }
            : undefined
        }
      />
    </div>
  )
})
