/** A ComfyUI server as the client uses it, and its auth as headers: shared by settings and the client. */

/** One ComfyUI server, its auth already turned into headers (never logged). */
export interface ComfyServer {
  id: string
  name: string
  url: string
  headers: Record<string, string>
  usdPerHour: number | null
}

/** Builds the headers of a server's auth. */
export function authHeaders(auth: { kind: 'none' | 'bearer' | 'basic' | 'header'; secret: string | null; username?: string | null; headerName?: string | null }): Record<string, string> {
  if (auth.kind === 'none' || !auth.secret) return auth.kind === 'basic' && auth.username ? { authorization: `Basic ${Buffer.from(`${auth.username}:`).toString('base64')}` } : {}
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.secret}` }
  if (auth.kind === 'basic') return { authorization: `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.secret}`).toString('base64')}` }
  return auth.headerName ? { [auth.headerName.toLowerCase()]: auth.secret } : {}
}
