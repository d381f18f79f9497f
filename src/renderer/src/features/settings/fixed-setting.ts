import type { FixedBy, SettingsView } from '@shared/settings'

/** How a fixed setting came to be fixed, and what to do to change it, in a full sentence (`what`: "the folder"). */
export function fixedNote(fixed: FixedBy, what: string): string {
  const source = fixed.by === 'env' ? `the ${fixed.name} environment variable` : `the ${fixed.name} option`
  return `This is set by ${source} when Comfy Courier starts, so it cannot be changed here. To choose ${what} here, start Comfy Courier without ${fixed.name}.`
}

/** What fixes a setting (by `SettingsPatch` name), or null when the app may change it. */
export const fixedBy = (view: SettingsView | null, name: string): FixedBy | null => view?.fixed?.[name] ?? null

/** Whether `path` is a full path from the top of a disk (`/…`, `C:\…`, `\\server\…`), as main requires. */
export const isFullPath = (path: string): boolean => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path)
