import type { DragEvent } from 'react'
import { OutputKind, type Output, type OutputId } from '@shared/output'

/** The drag data a saved output's thumbnail carries: its id (read on drop only, as browsers allow). */
export const OUTPUT_DRAG_TYPE = 'application/x-courier-output'

/**
 * Its kind, as a drag type of its own: while dragging, a page may read the list of types but no data, so a
 * drop zone says "fits" or "not an image" from this alone.
 */
const KIND_TYPE_PREFIX = 'application/x-courier-kind-'

/**
 * What makes an output's thumbnail draggable onto a file input of the Generate form (img2img chaining). No
 * URL and no file go with it, so dropped anywhere else it does nothing (the browser opens nothing).
 */
export function outputDragProps(output: Pick<Output, 'id' | 'kind'>): { draggable: true; onDragStart(e: DragEvent): void } {
  return {
    draggable: true,
    onDragStart(e) {
      // The picture's own drag data (its URL) goes: dropped on the page, a URL would open in place of the app.
      e.dataTransfer.clearData()
      e.dataTransfer.effectAllowed = 'copy'
      e.dataTransfer.setData(OUTPUT_DRAG_TYPE, output.id)
      e.dataTransfer.setData(`${KIND_TYPE_PREFIX}${output.kind}`, output.kind)
    },
  }
}

/** The dragged output's kind (from the drag's types), null when the drag is not one of our outputs. */
export function draggedOutputKind(types: readonly string[]): OutputKind | null {
  if (!types.includes(OUTPUT_DRAG_TYPE)) return null
  const tagged = types.find((type) => type.startsWith(KIND_TYPE_PREFIX))
  const kind = OutputKind.safeParse(tagged?.slice(KIND_TYPE_PREFIX.length))
  return kind.success ? kind.data : 'file'
}

/** The dropped output's id, or null when the drop is not one of our outputs. */
export function droppedOutputId(transfer: Pick<DataTransfer, 'getData' | 'types'>): OutputId | null {
  if (!Array.from(transfer.types ?? []).includes(OUTPUT_DRAG_TYPE)) return null
  const id = transfer.getData(OUTPUT_DRAG_TYPE)
  return id.length > 0 && id.length <= 64 ? (id as OutputId) : null
}
