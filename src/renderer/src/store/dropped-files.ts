import type { CourierClient } from '@shared/client'
import { refusedDropText } from '../components/file-drop-guard'
import type { CourierStore } from './types'
import { MAX_UPLOAD_BYTES, readBase64 } from './uploads'

/** Files that can carry generation data: pictures and videos (a type the browser does not know is tried too). */
const mayCarrySettings = (file: File): boolean => file.type === '' || /^(image|video)\//.test(file.type)

/**
 * A file dropped on Generate outside every input: when it says how it was made (`files.inspect`), the form
 * is filled from it; otherwise, and elsewhere, the app says why the file was not used and where it could go.
 */
export async function takeDroppedFiles(store: CourierStore, courier: Pick<CourierClient, 'invoke'>, files: readonly File[]): Promise<void> {
  const [file] = files
  const refuse = () => store.getState().toasts.show({ tone: 'error', text: refusedDropText(store.getState(), files.map((f) => f.name)) })
  if (store.getState().nav.view !== 'generate' || files.length !== 1 || file === undefined) return void refuse()
  if (!mayCarrySettings(file) || file.size === 0 || file.size > MAX_UPLOAD_BYTES) return void refuse()
  let dataBase64: string
  try {
    dataBase64 = await readBase64(file)
  } catch {
    return void refuse()
  }
  const res = await courier.invoke('files.inspect', { fileName: file.name.slice(0, 255) || 'file', dataBase64 })
  if (!res.ok) {
    store.getState().toasts.failure(`Could not read the settings of “${file.name}”`, res.error)
    return
  }
  if (res.value.source === null) return void refuse()
  store.getState().generate.applyFileSettings(res.value, `“${file.name}”`)
}
