import type { IncomingHttpHeaders, ServerResponse } from 'node:http'

/** What a handler answers; the server turns it into bytes. Plain values keep handlers easy to read and test. */
export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; bytes: Uint8Array; contentType: string; headers?: Record<string, string> }
  /**
   * A reply that writes itself: streamed, throttled or deliberately broken bodies (media download knobs).
   * It owns `res` from here on (headers included) and must end or destroy it; `head` means headers only.
   */
  | { status: number; write: (res: ServerResponse, head: boolean) => void }

export interface SimRequest {
  method: string
  url: URL
  headers: IncomingHttpHeaders
  params: Record<string, string>
  /** The body, read once on demand (size-capped by the server). */
  body(): Promise<Buffer>
}

export type Method = 'GET' | 'POST'

export interface Route {
  method: Method
  /** `/api/run/:id` style; a `:name` segment matches one non-empty path segment. */
  path: string
  /** Largest request body `req.body()` reads for this route (default: the server's limit, 32 MiB). */
  maxBodyBytes?: number
  handle(req: SimRequest): Reply | Promise<Reply>
}

interface CompiledRoute extends Route {
  regex: RegExp
  names: string[]
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, json: body, headers } : { status, json: body }
}

/** FastAPI's error body, which both the real ComfyDeploy and its simulator use. */
export function detail(status: number, text: string, headers?: Record<string, string>): Reply {
  return json(status, { detail: text }, headers)
}

export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: Method[] }
  | { kind: 'none' }

/**
 * A tiny table router. Each provider contributes its own route list, so RunComfy's `/prod/v1/…` routes can
 * be added later without touching ComfyDeploy's. Matching a path but not the method is reported apart,
 * because FastAPI answers that with 405, not 404.
 */
export class Router {
  private readonly routes: CompiledRoute[] = []

  add(routes: Route[]): this {
    for (const route of routes) {
      const names: string[] = []
      const pattern = route.path
        .split('/')
        .map((seg) => {
          if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          names.push(seg.slice(1))
          return '([^/]+)'
        })
        .join('/')
      this.routes.push({ ...route, regex: new RegExp(`^${pattern}$`), names })
    }
    return this
  }

  match(method: string, pathname: string): Match {
    // HEAD is GET without the body; the server drops the body when it writes the reply.
    const wanted = method === 'HEAD' ? 'GET' : method
    const allowed: Method[] = []
    for (const route of this.routes) {
      const m = route.regex.exec(pathname)
      if (!m) continue
      if (route.method !== wanted) {
        allowed.push(route.method)
        continue
      }
      const params: Record<string, string> = {}
      try {
        route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? '')))
      } catch {
        // A malformed %-escape cannot name anything we hold.
        return { kind: 'none' }
      }
      return { kind: 'found', route, params }
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'none' }
  }
}
