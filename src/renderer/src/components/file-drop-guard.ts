/**
 * A file dropped outside a drop zone would make the browser (or Electron's window) open it in place of the
 * app. Drops no drop zone took are refused instead, with the "not allowed" cursor while dragging.
 */
export function guardFileDrops(win: Window, signal: AbortSignal): void {
  const refuse = (e: DragEvent) => {
    const transfer = e.dataTransfer
    // `types` is missing on the synthetic drag events of test DOMs.
    if (e.defaultPrevented || transfer === null || !Array.from(transfer.types ?? []).includes('Files')) return
    e.preventDefault()
    transfer.dropEffect = 'none'
  }
  win.addEventListener('dragover', refuse, { signal })
  win.addEventListener('drop', refuse, { signal })
}
