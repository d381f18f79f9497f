import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

/**
 * Where a running web host can be reached, published in its data folder (`web.json`) while it runs, so the
 * `courier` command line on the same folder talks to it instead of opening the database itself (issue 20).
 * It holds no secret: the token stays in `web-token`, readable by the user alone.
 */
export const WEB_ENDPOINT_FILE = 'web.json'

export const WebEndpoint = z.object({
  /** The host's origin, `http://127.0.0.1:{port}`. */
  url: z.string().url(),
  pid: z.number().int().positive(),
  startedAt: z.number(),
})
export type WebEndpoint = z.infer<typeof WebEndpoint>

/** Writes `web.json` atomically (a temporary file renamed over it), user-only. */
export function publishWebEndpoint(dataDir: string, endpoint: WebEndpoint): void {
  const file = join(dataDir, WEB_ENDPOINT_FILE)
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, JSON.stringify(endpoint), { mode: 0o600 })
  renameSync(temporary, file)
}

/** Removes `web.json` if it is this process's. */
export function withdrawWebEndpoint(dataDir: string): void {
  if (readWebEndpoint(dataDir)?.pid === process.pid) rmSync(join(dataDir, WEB_ENDPOINT_FILE), { force: true })
}

/** The published endpoint, or null when there is none or it cannot be read. */
export function readWebEndpoint(dataDir: string): WebEndpoint | null {
  try {
    const parsed = WebEndpoint.safeParse(JSON.parse(readFileSync(join(dataDir, WEB_ENDPOINT_FILE), 'utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** The web host's access token file (`web-token`), shared by the browser link and the command line. */
export const WEB_TOKEN_FILE = 'web-token'
