import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Web mode's and the command line's data folder when neither `--data-dir` nor `COURIER_DATA_DIR` names one. */
export const defaultDataDir = (): string => join(homedir(), '.comfy-courier')

/**
 * The data folder as the web host and the `courier` command line find it: `--data-dir`, then
 * `COURIER_DATA_DIR`, then `~/.comfy-courier`. (The desktop app's default is Electron's user-data folder;
 * both honour the flag and the variable.) Always absolute, so two processes compare it as one path.
 */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = [flag, env.COURIER_DATA_DIR].find((value): value is string => typeof value === 'string' && value.trim() !== '')
  return resolve(chosen ?? defaultDataDir())
}
