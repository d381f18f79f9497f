import type { InputField } from '@shared/deployment'

/** Words a creator writes in capitals (ComfyUI's own spelling). */
const SPELLED: Readonly<Record<string, string>> = { cfg: 'CFG', vae: 'VAE', lora: 'LoRA', url: 'URL', id: 'ID', ip: 'IP', sdxl: 'SDXL', fps: 'FPS' }

/**
 * A key as words, for an input whose deployment is gone (or never said): `positive_prompt` → "Positive prompt",
 * `cfg` → "CFG", `6.text` → "Text" (RunComfy's node number is left out), `denoiseStrength` → "Denoise strength".
 */
export function humaniseKey(key: string): string {
  const name = key.replace(/^[\d:]+\./, '')
  const words = name
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .split(/[\s_.:-]+/)
    .filter((w) => w !== '')
    .map((w) => SPELLED[w.toLowerCase()] ?? w.toLowerCase())
  if (words.length === 0) return key
  const [first = '', ...rest] = words
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(' ')
}

/** What the form calls an input: its field's label when the deployment still has it, else the key in words. */
export function inputLabel(key: string, fields: readonly InputField[] | undefined): string {
  const label = fields?.find((f) => f.id === key)?.label.trim()
  return label !== undefined && label !== '' ? label : humaniseKey(key)
}
