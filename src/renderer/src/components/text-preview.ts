/** How much of a text or JSON output the lightbox reads to show it (the rest is in the download). */
export const PREVIEW_BYTES = 256 * 1024

export interface TextPreview {
  text: string
  /** The file goes on past what is shown. */
  truncated: boolean
}

/**
 * The text to show for the first bytes of a file of `total` bytes: UTF-8 (a character cut at the end is
 * dropped), and JSON read whole is laid out with two-space indents. Always shown as text, never as HTML.
 */
export function previewText(bytes: Uint8Array, total: number, mime: string): TextPreview {
  const truncated = total > bytes.length
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes, { stream: truncated })
  if (!truncated && mime === 'application/json') {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2)
    } catch {
      // Not valid JSON after all: shown as it is.
    }
  }
  return { text, truncated }
}

/** Whether the lightbox can show this output's contents as text. */
export const isPreviewable = (mime: string): boolean => mime.startsWith('text/') || mime === 'application/json'
