import { z } from 'zod'

/**
 * Your own ComfyUI servers (issue 19). Several can be added, each with a name; every workflow added as a
 * deployment belongs to one of them (`serverId`). `COMFYUI_URL` (with `COMFYUI_TOKEN` as a bearer token)
 * defines a server with id `env`, which is then the default; otherwise the first saved server is.
 */
export const ComfyAuthKind = z.enum(['none', 'bearer', 'basic', 'header'])
export type ComfyAuthKind = z.infer<typeof ComfyAuthKind>

/** A server as the renderer sees it: the secret is never sent back, only whether one is set. */
export const ComfyServerView = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  auth: ComfyAuthKind,
  /** Basic auth's user name. */
  username: z.string().nullable(),
  /** The custom header's name (e.g. `X-Api-Key`). */
  headerName: z.string().nullable(),
  secretSet: z.boolean(),
  /** What an hour of this machine costs (a rented GPU), turning GPU time into money; null: $0. */
  usdPerHour: z.number().nullable(),
  /** Defined by `COMFYUI_URL`: cannot be edited or removed in the app. */
  fromEnv: z.boolean(),
  isDefault: z.boolean(),
})
export type ComfyServerView = z.infer<typeof ComfyServerView>

const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'not a valid HTTP header name')

export const ComfyServerInput = z
  .object({
    /** Absent: a new server. */
    id: z.string().min(1).max(64).optional(),
    name: z.string().trim().min(1).max(100),
    url: z.string().url().max(2000),
    auth: ComfyAuthKind,
    username: z.string().max(200).nullable().optional(),
    headerName: HeaderName.nullable().optional(),
    /** The token, password or header value; absent keeps the saved one, an empty string removes it. */
    secret: z.string().max(4096).optional(),
    usdPerHour: z.number().nonnegative().max(10_000).nullable().optional(),
  })
  .strict()
export type ComfyServerInput = z.infer<typeof ComfyServerInput>

/** What `/system_stats` said. */
export const ComfyServerCheck = z.object({
  ok: z.boolean(),
  message: z.string(),
  version: z.string().nullable(),
  device: z.string().nullable(),
  vramFreeBytes: z.number().nullable(),
  vramTotalBytes: z.number().nullable(),
})
export type ComfyServerCheck = z.infer<typeof ComfyServerCheck>
