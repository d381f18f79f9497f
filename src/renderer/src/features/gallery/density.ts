/** How large the gallery's tiles are: the user's choice, remembered in this browser (localStorage). */
export type Density = 'small' | 'medium' | 'large'

export interface DensityOption {
  id: Density
  label: string
  /** Tiles are at least this wide; the grid fits as many columns as it can. */
  minTile: number
}

export const densities: readonly DensityOption[] = [
  { id: 'small', label: 'Small', minTile: 104 },
  { id: 'medium', label: 'Medium', minTile: 136 },
  { id: 'large', label: 'Large', minTile: 220 },
]

export const DEFAULT_DENSITY: Density = 'medium'

const KEY = 'comfy-courier.gallery.density'

export const minTileOf = (density: Density): number => (densities.find((d) => d.id === density) ?? densities[1]!).minTile

/** What was chosen before; anything unreadable (or no storage at all) is the default. */
export function loadDensity(storage: Storage | null): Density {
  try {
    const raw = storage?.getItem(KEY)
    return densities.find((d) => d.id === raw)?.id ?? DEFAULT_DENSITY
  } catch {
    return DEFAULT_DENSITY
  }
}

export function saveDensity(storage: Storage | null, density: Density): void {
  try {
    storage?.setItem(KEY, density)
  } catch {
    // A full or refused storage only forgets the choice.
  }
}

/** The page's localStorage, or null where there is none or it is refused (sandboxed, privacy settings). */
export function pageStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null
  }
}
