/** Copies text; throws with a reason a person can act on when the browser refuses. */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText === undefined) throw new Error('this browser does not let the page use the clipboard')
  await navigator.clipboard.writeText(text)
}

/** PNG is the one image type every clipboard takes: other formats are redrawn as PNG first. */
async function toPng(blob: Blob): Promise<Blob> {
  if (blob.type === 'image/png') return blob
  const bitmap = await createImageBitmap(blob)
  const canvas = document.createElement('canvas')
  canvas.width = bitmap.width
  canvas.height = bitmap.height
  const context = canvas.getContext('2d')
  if (context === null) throw new Error('the image could not be converted to PNG')
  context.drawImage(bitmap, 0, 0)
  bitmap.close()
  return new Promise((resolve, reject) => canvas.toBlob((png) => (png ? resolve(png) : reject(new Error('the image could not be converted to PNG'))), 'image/png'))
}

/**
 * Copies the image at `url` as a PNG (Clipboard API). The blob is handed over as a promise so the write
 * starts within the click that asked for it, which browsers require.
 */
export async function copyImage(url: string): Promise<void> {
  if (navigator.clipboard?.write === undefined || typeof ClipboardItem === 'undefined') {
    throw new Error('this browser does not let the page copy images')
  }
  const png = fetch(url, { credentials: 'same-origin' }).then(async (response) => {
    if (!response.ok) throw new Error(`the image could not be read (HTTP ${response.status})`)
    return toPng(await response.blob())
  })
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })])
}

/** Why a clipboard write failed, in words: browsers say NotAllowedError when the user or a policy refused. */
export function clipboardProblem(cause: unknown): string {
  if (cause instanceof DOMException && cause.name === 'NotAllowedError') return 'the browser refused access to the clipboard'
  return cause instanceof Error ? cause.message : String(cause)
}
