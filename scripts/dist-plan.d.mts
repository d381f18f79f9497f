/** Types for dist-plan.mjs, so the TypeScript test can import it. */

export interface LocalFs {
  exists(path: string): boolean
  readdir(path: string): string[]
  readFile(path: string): string
}

export declare function electronZipName(version: string, platform: string, arch: string): string
export declare function builderPlatformFlag(platform: string): '--mac' | '--win' | '--linux'
export declare function electronGetCacheRoot(opts: { platform: string; env: Record<string, string | undefined>; home: string }): string
export declare function findLocalElectron(opts: {
  version: string
  platform: string
  arch: string
  env: Record<string, string | undefined>
  home: string
  projectRoot: string
  fs: LocalFs
}): { electronDist: string; source: string } | null
export declare function classifyBuilderFailure(output: string): 'offline' | 'failed'
export declare function offlineMessage(opts: { version: string; platform: string; arch: string; missing?: 'electron' | 'tools' }): string
export declare function networkReachable(
  connect: (host: string, port: number, timeoutMs: number) => Promise<boolean>,
  host?: string,
  timeoutMs?: number,
): Promise<boolean>
