import type { FieldKind } from '@shared/deployment'
import type { CourierState } from '../store/types'

const FILE_KINDS: ReadonlySet<FieldKind> = new Set(['image', 'images', 'video', 'audio', 'file'])

/** Names a list of files for a sentence: "sky.png", "sky.png and sea.png", "3 files". */
const filesText = (names: readonly string[]): string =>
  names.length === 1 ? `“${names[0]}”` : names.length === 2 ? `“${names[0]}” and “${names[1]}”` : `${names.length} files`

/**
 * Why a file dropped outside every drop zone was not used, in the user's words: where it could go (the form's
 * file inputs), or that the deployment shown has none, or that files are used in Generate.
 */
export function refusedDropText(state: Pick<CourierState, 'nav' | 'generate'>, names: readonly string[]): string {
  const files = `${filesText(names)} ${names.length === 1 ? 'was' : 'were'}`
  const { provider, deploymentId, deployments } = state.generate
  const deployment = provider === null || deploymentId === null ? undefined : deployments[provider]?.items.find((d) => d.id === deploymentId)
  if (state.nav.view !== 'generate' || deployment === undefined)
    return `${files} not used: files go on an input of the Generate form. Open Generate and drop ${names.length === 1 ? 'it' : 'them'} on an image or file input.`
  const inputs = deployment.inputs.filter((f) => FILE_KINDS.has(f.kind))
  if (inputs.length === 0)
    return `${files} not used: ${deployment.name} has no image or file input. Choose a deployment that takes one, then drop ${names.length === 1 ? 'it' : 'them'} on that input.`
  const labels = inputs.slice(0, 3).map((f) => `“${f.label || f.id}”`)
  const where = labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`
  return `${files} not used: drop ${names.length === 1 ? 'it' : 'them'} on ${inputs.length === 1 ? 'the input' : 'one of the inputs'} ${where}, where the form shows “or drop … here”.`
}

/**
 * A file dropped outside a drop zone would make the browser (or Electron's window) open it in place of the
 * app. Drops no drop zone took are caught instead, and handed to `onDropped` (a file's settings can fill the
 * form; else the app says why nothing happened). A drop the browser refuses outright fires no event, so
 * every drop is taken.
 */
export function guardFileDrops(win: Window, signal: AbortSignal, onDropped?: (files: File[]) => void): void {
  const carriesFiles = (e: DragEvent) => {
    const transfer = e.dataTransfer
    // `types` is missing on the synthetic drag events of test DOMs.
    return !e.defaultPrevented && transfer !== null && Array.from(transfer.types ?? []).includes('Files')
  }
  win.addEventListener(
    'dragover',
    (e) => {
      if (!carriesFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = onDropped ? 'copy' : 'none'
    },
    { signal },
  )
  win.addEventListener(
    'drop',
    (e) => {
      if (!carriesFiles(e)) return
      e.preventDefault()
      const files = Array.from(e.dataTransfer?.files ?? [])
      if (files.length > 0) onDropped?.(files)
    },
    { signal },
  )
}
