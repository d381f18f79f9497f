import { useCallback, useState } from 'react'
import { observeElementRect, type Rect, type Virtualizer } from '@tanstack/react-virtual'

/** Where layout is not measured (jsdom), a scroll box is taken to be this size. */
export const UNMEASURED: Rect = { width: 1024, height: 768 }

/**
 * A virtualized scroll box's size, as its virtualizers measure it, kept as state so the caller can size its
 * columns or cells by it; `observeRect` is what to give every virtualizer on that box. A box measured 0 × 0
 * (jsdom lays nothing out) is taken as UNMEASURED.
 */
export function useScrollBoxRect(initial: Rect): {
  rect: Rect
  observeRect: (instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: Rect) => void) => void | (() => void)
} {
  const [rect, setRect] = useState<Rect>(initial)
  const observeRect = useCallback(
    (instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: Rect) => void) =>
      observeElementRect(instance, (measured) => {
        const r = measured.width === 0 && measured.height === 0 ? UNMEASURED : measured
        setRect((old) => (old.width === r.width && old.height === r.height ? old : r))
        cb(r)
      }),
    [],
  )
  return { rect, observeRect }
}
