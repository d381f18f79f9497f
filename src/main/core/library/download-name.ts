import { folderName } from './paths'

/** What a download is named after: never the path's folders, only our own facts about the output. */
export interface NamedOutput {
  deploymentName: string
  seed: number | null
  /** Null for an imported file: it keeps its own name. */
  runId: string | null
  /** The library path (`…/{runShort}-{n}.{ext}`, as `outputRelativePath` writes it): only `n` and `ext` are read. */
  path: string
}

/**
 * The file name a download gets (an imported file: its own name): `{deployment}-seed-{seed}-{n}.{ext}` (`dreamscape-sdxl-seed-42-1.png`), or
 * `{deployment}-{runShort}-{n}.{ext}` for a run without a seed, so two downloads rarely share a name.
 */
export function downloadName(output: NamedOutput): string {
  const base = output.path.split('/').pop() ?? ''
  if (output.runId === null) return [...base].map((ch) => (ch.charCodeAt(0) < 0x20 || ch === '\u007f' || ch === '\\' ? '_' : ch)).join('') || 'file'
  const match = /-(\d{1,4})\.([A-Za-z0-9]{1,8})$/.exec(base)
  const index = match?.[1] ?? '1'
  const ext = (match?.[2] ?? /\.([A-Za-z0-9]{1,8})$/.exec(base)?.[1] ?? 'bin').toLowerCase()
  const deployment = folderName(output.deploymentName)
  const which = output.seed !== null && Number.isFinite(output.seed) ? `seed-${Math.trunc(output.seed)}` : output.runId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'run'
  return `${deployment}-${which}-${index}.${ext}`
}

/** `attachment` with the name for every browser: an ASCII stand-in, and the exact name in RFC 5987 form. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_')
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

/** The names in an archive, each unique (a second `a.png` becomes `a (2).png`). */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>()
  return names.map((name) => {
    let candidate = name
    for (let n = 2; seen.has(candidate); n++) {
      const dot = name.lastIndexOf('.')
      candidate = dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`
    }
    seen.add(candidate)
    return candidate
  })
}
