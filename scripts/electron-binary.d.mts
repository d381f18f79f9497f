/** Types for electron-binary.mjs, so the TypeScript Playwright spec can import it. */

export type ElectronBinaryLookup =
  | { found: true; path: string; packageDir: string }
  | {
      found: false
      /** Only 'missing' is something Electron's installer can fix. */
      problem: 'no-package' | 'missing' | 'not-executable'
      /** Where the binary was looked for (the package folder when the package itself is absent). */
      path: string
      packageDir: string
      /** One sentence naming the path, for a skip reason or an error line. */
      reason: string
    }

export declare const projectRoot: string

export declare function findElectronBinary(root?: string): ElectronBinaryLookup
