import type { View } from '../store/types'

/**
 * Every keyboard shortcut of the app, in ONE table: the help sheet (`?`) is drawn from it, and every key
 * handler (the app-wide one, the gallery grid, the lightbox, the webhook list) asks it which shortcut a
 * key press is, so what the sheet says and what the keys do cannot drift apart.
 */

/** One key press: `mod` is Ctrl, or ⌘ on Apple platforms. `shift` left out means "either". */
export interface Chord {
  key: string
  mod?: boolean
  shift?: boolean
}

/** A way to press a shortcut: one chord, or a sequence pressed one after the other (G then R). */
export type Keys = readonly Chord[]

export const sections = ['Anywhere', 'Generate', 'Gallery', 'Lightbox', 'Webhooks'] as const
export type Section = (typeof sections)[number]

export interface Shortcut {
  section: Section
  description: string
  /** Alternatives: any of them does it. */
  keys: readonly Keys[]
  /** Typing in a text box does not trigger it (single letters, `?`). */
  outsideText?: boolean
  /** The view it opens, for the "Go to" shortcuts. */
  view?: View
}

const one = (key: string, extra: Omit<Chord, 'key'> = {}): Keys => [{ key, ...extra }]

/** G then a letter: opens a view (outside text boxes, like every single-letter shortcut). */
const goTo = (view: View, letter: string, name: string): Shortcut => ({
  section: 'Anywhere',
  description: `Go to ${name}`,
  keys: [[{ key: 'g' }, { key: letter }]],
  outsideText: true,
  view,
})

export const shortcuts = {
  help: { section: 'Anywhere', description: 'Show these keyboard shortcuts', keys: [one('?')], outsideText: true },
  search: { section: 'Anywhere', description: 'Go to the search box (Gallery, Webhooks)', keys: [one('/')], outsideText: true },
  'view.generate': goTo('generate', 'g', 'Generate'),
  'view.runs': goTo('runs', 'r', 'Runs'),
  'view.gallery': goTo('gallery', 'l', 'Gallery (your library)'),
  'view.spend': goTo('spend', 'p', 'Spend'),
  'view.webhooks': goTo('webhooks', 'w', 'Webhooks'),
  'view.settings': goTo('settings', 's', 'Settings'),
  'generate.submit': { section: 'Generate', description: 'Generate (from anywhere in the form)', keys: [one('Enter', { mod: true })] },

  'gallery.left': { section: 'Gallery', description: 'Previous tile', keys: [one('ArrowLeft')] },
  'gallery.right': { section: 'Gallery', description: 'Next tile', keys: [one('ArrowRight')] },
  'gallery.up': { section: 'Gallery', description: 'Tile above', keys: [one('ArrowUp')] },
  'gallery.down': { section: 'Gallery', description: 'Tile below', keys: [one('ArrowDown')] },
  'gallery.row-start': { section: 'Gallery', description: 'First tile of the row', keys: [one('Home')] },
  'gallery.row-end': { section: 'Gallery', description: 'Last tile of the row', keys: [one('End')] },
  'gallery.first': { section: 'Gallery', description: 'First loaded tile', keys: [one('Home', { mod: true })] },
  'gallery.last': { section: 'Gallery', description: 'Last loaded tile', keys: [one('End', { mod: true })] },
  'gallery.page-up': { section: 'Gallery', description: 'One screen up', keys: [one('PageUp')] },
  'gallery.page-down': { section: 'Gallery', description: 'One screen down', keys: [one('PageDown')] },
  'gallery.open': { section: 'Gallery', description: 'Open the tile large', keys: [one('Enter')] },
  'gallery.select': { section: 'Gallery', description: 'Select or unselect the tile', keys: [one(' ', { shift: false })] },
  'gallery.select-range': { section: 'Gallery', description: 'Select up to the tile', keys: [one(' ', { shift: true })] },
  'gallery.select-all': { section: 'Gallery', description: 'Select every loaded tile', keys: [one('a', { mod: true })] },
  'gallery.clear': { section: 'Gallery', description: 'Clear the selection', keys: [one('Escape')] },
  'gallery.favourite': { section: 'Gallery', description: 'Favourite or unfavourite', keys: [one('f')] },
  'gallery.delete': { section: 'Gallery', description: 'Move the selection (or the tile) to the trash…', keys: [one('Delete')] },

  'lightbox.previous': { section: 'Lightbox', description: 'Previous output', keys: [one('ArrowLeft')] },
  'lightbox.next': { section: 'Lightbox', description: 'Next output', keys: [one('ArrowRight')] },
  'lightbox.zoom-in': { section: 'Lightbox', description: 'Zoom in', keys: [one('+'), one('=')] },
  'lightbox.zoom-out': { section: 'Lightbox', description: 'Zoom out', keys: [one('-'), one('_')] },
  'lightbox.fit': { section: 'Lightbox', description: 'Fit to window', keys: [one('0')] },
  'lightbox.favourite': { section: 'Lightbox', description: 'Favourite or unfavourite', keys: [one('f')] },
  'lightbox.delete': { section: 'Lightbox', description: 'Move to the trash…', keys: [one('Delete')] },
  'lightbox.close': { section: 'Lightbox', description: 'Close', keys: [one('Escape')] },

  'webhooks.up': { section: 'Webhooks', description: 'Select the newer webhook', keys: [one('ArrowUp')] },
  'webhooks.down': { section: 'Webhooks', description: 'Select the older webhook', keys: [one('ArrowDown')] },
  'webhooks.first': { section: 'Webhooks', description: 'Select the newest', keys: [one('Home')] },
  'webhooks.last': { section: 'Webhooks', description: 'Select the oldest loaded', keys: [one('End')] },
} as const satisfies Record<string, Shortcut>

export type ShortcutId = keyof typeof shortcuts

/** What a handler needs of a key event (React's and the DOM's both fit). */
export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

export function matchesChord(chord: Chord, e: KeyPress): boolean {
  if (e.altKey) return false
  if ((chord.mod ?? false) !== (e.ctrlKey || e.metaKey)) return false
  if (chord.shift !== undefined && chord.shift !== e.shiftKey) return false
  // Letters match either case (Caps Lock, Shift+F); named keys (Enter, ArrowLeft) match as they are.
  return e.key.length === 1 ? e.key.toLowerCase() === chord.key.toLowerCase() : e.key === chord.key
}

const ids = Object.keys(shortcuts) as ShortcutId[]

/** The single-chord shortcut of a section that a key press is, if any. */
export function shortcutFor(section: Section, e: KeyPress): ShortcutId | null {
  return (
    ids.find((id) => {
      const s: Shortcut = shortcuts[id]
      return s.section === section && s.keys.some((keys) => keys.length === 1 && keys[0] !== undefined && matchesChord(keys[0], e))
    }) ?? null
  )
}

/** The app-wide shortcuts ("Anywhere" and "Generate"), with the key sequences they are pressed as. */
export function globalShortcuts(): Array<{ id: ShortcutId; keys: Keys; outsideText: boolean }> {
  return ids.flatMap((id) => {
    const s: Shortcut = shortcuts[id]
    if (s.section !== 'Anywhere' && s.section !== 'Generate') return []
    return s.keys.map((keys) => ({ id, keys, outsideText: s.outsideText === true }))
  })
}

/** macOS and iOS say ⌘ where others say Ctrl. */
export function isApplePlatform(nav: Navigator | undefined = typeof navigator === 'undefined' ? undefined : navigator): boolean {
  if (nav === undefined) return false
  const data = (nav as Navigator & { userAgentData?: { platform?: string } }).userAgentData
  return /mac|iphone|ipad/i.test(data?.platform ?? nav.platform ?? '')
}

const keyNames: Record<string, string> = {
  ' ': 'Space',
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Escape: 'Esc',
  PageUp: 'Page Up',
  PageDown: 'Page Down',
}

/** The keys of one chord as they are written on a keyboard: ["Ctrl", "Enter"], ["⌘", "A"], ["Shift", "Space"]. */
export function chordLabels(chord: Chord, apple: boolean): string[] {
  const labels: string[] = []
  if (chord.mod) labels.push(apple ? '⌘' : 'Ctrl')
  if (chord.shift) labels.push(apple ? '⇧' : 'Shift')
  labels.push(keyNames[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key))
  return labels
}

/** One way to press a shortcut, in words: "Ctrl+Enter", "G then R". */
export function keysText(keys: Keys, apple: boolean): string {
  return keys.map((chord) => chordLabels(chord, apple).join(apple ? '' : '+')).join(' then ')
}
