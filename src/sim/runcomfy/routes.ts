import { cutConnection, takeDroppedRequest, takeLostAnswer } from '../lost-answer'
import type { SimContext, SimProvider } from '../context'
import type { SimFaults } from '../faults'
import { detail, json, type Reply, type Route, type SimRequest } from '../http/router'
import { mediaRoutes } from '../media/media-routes'
import { RUNCOMFY_DEPLOYMENTS, findRcDeployment, type RcDeployment } from './deployments'
import { runComfyBalanceUsd } from './balance'
import { rcError } from './errors'
import { requestUrls, resultBody, statusBody, type RcRequestState } from './models'
import { objectInfoJson } from './object-info'
import { RUNCOMFY_STORAGE, RequestEngine } from './request-engine'
import { WEBHOOK_BODY_KEYS, checkSubmission, isHttpUrl } from './validate'

/** RunComfy's API roots (runcomfy.md §1): both served; the deployments API only under v2. */
export const RUNCOMFY_PREFIXES = ['/prod/v1', '/prod/v2'] as const
export const RUNCOMFY_V2 = '/prod/v2'

/** Any non-empty Bearer key passes, unless the shared authFailure knob is on (then every key is refused). */
function authed(ctx: SimContext, handle: (req: SimRequest) => Reply | Promise<Reply>) {
  return (req: SimRequest): Reply | Promise<Reply> => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (!match || ctx.faults.authFailure) return rcError(ctx.faults, 401001)
    return handle(req)
  }
}

const isTrue = (v: unknown) => v === true || (typeof v === 'string' && v.toLowerCase() === 'true')

/** `GET /prod/v2/deployments` items (§6), with `includes=payload` / `includes=readme` extras. */
function deploymentModel(ctx: SimContext, d: RcDeployment, includes: Set<string>): Record<string, unknown> {
  const model: Record<string, unknown> = {
    id: d.id,
    name: d.name,
    workflow_id: d.workflow_id,
    workflow_version: d.workflow_version,
    hardware: d.hardware,
    min_instances: d.min_instances,
    max_instances: d.max_instances,
    queue_size: d.queue_size,
    keep_warm_duration_in_seconds: d.keep_warm_duration_in_seconds,
    status: d.status,
    is_enabled: d.is_enabled,
    updated_at: d.updated_at,
  }
  if (includes.has('payload')) {
    // LoRA deployments have no graph; their flat schema exists only on the web "API" tab (§6).
    const comfy = d.kind === 'comfyui'
    model.workflow_api_json = comfy ? structuredClone(d.graph) : null
    model.overrides = comfy ? structuredClone(d.defaultOverrides) : null
    model.object_info_url = comfy ? `${ctx.baseUrl()}${RUNCOMFY_V2}/object_info` : null
  }
  if (includes.has('readme')) model.readme = d.readme
  return model
}

/** `?ids=a&ids=b` (the documented form) and `?ids=a,b`. */
const listParam = (url: URL, name: string) =>
  url.searchParams
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)

export function createRunComfy(ctx: SimContext): SimProvider {
  const engine = new RequestEngine(ctx)
  // The shared media route, reading the live knobs except ComfyDeploy's presigned URLs (RunComfy's are public).
  const mediaKnobs: SimFaults = Object.create(ctx.faults, { expireOutputUrlsAfterMs: { value: null } })
  const serveMedia = mediaRoutes(ctx.media, ctx.stats, mediaKnobs).find((r) => r.path === '/media/:runId/:filename')
  const err = (code: Parameters<typeof rcError>[1], issues?: Parameters<typeof rcError>[2]) => rcError(ctx.faults, code, issues)

  /** runcomfyFailSubmitWithCode, counted down by runcomfyFailSubmitTimes. */
  function injectedSubmitFailure(): Reply | undefined {
    const { faults } = ctx
    const code = faults.runcomfyFailSubmitWithCode
    if (code === null) return undefined
    if (faults.runcomfyFailSubmitTimes !== null) {
      faults.runcomfyFailSubmitTimes--
      if (faults.runcomfyFailSubmitTimes <= 0) {
        faults.runcomfyFailSubmitWithCode = null
        faults.runcomfyFailSubmitTimes = null
      }
    }
    ctx.stats.queueCallsFailed++
    return err(code)
  }

  /** Deployment unknown or request unknown → 404001; a request of another deployment → 403003. */
  function lookup(req: SimRequest): { ok: true; request: RcRequestState } | { ok: false; reply: Reply } {
    if (!findRcDeployment(req.params.id ?? '')) return { ok: false, reply: err(404001) }
    const request = engine.get(req.params.rid ?? '')
    if (!request) return { ok: false, reply: err(404001) }
    if (request.deployment.id !== req.params.id) return { ok: false, reply: err(403003) }
    return { ok: true, request }
  }

  async function submit(prefix: string, req: SimRequest): Promise<Reply> {
    if (takeDroppedRequest(ctx)) return cutConnection
    const failure = injectedSubmitFailure()
    if (failure) return failure
    const deployment = findRcDeployment(req.params.id ?? '')
    if (!deployment) return err(404001)
    if (!deployment.is_enabled) return err(10002)
    const rejected = ctx.faults.rejectInput
    if (rejected) {
      ctx.faults.rejectInput = null
      const cut = rejected.input.lastIndexOf('.')
      const loc = cut > 0 ? ['overrides', rejected.input.slice(0, cut), 'inputs', rejected.input.slice(cut + 1)] : ['body', rejected.input]
      return err(422001, [{ loc, msg: rejected.message }])
    }

    const raw = (await req.body()).toString('utf8')
    let body: unknown = {}
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw)
      } catch {
        return err(422001, [{ loc: ['body'], msg: 'invalid JSON' }])
      }
    }
    const isObject = typeof body === 'object' && body !== null && !Array.isArray(body)
    const fields = isObject ? (body as Record<string, unknown>) : {}

    // The query form is the documented one; same-named body fields are the legacy form (§2).
    const query = req.url.searchParams
    const fromQuery = query.has('webhook')
    const webhook = fromQuery ? query.get('webhook') : fields.webhook
    if (webhook !== undefined && webhook !== null && (typeof webhook !== 'string' || !isHttpUrl(webhook))) {
      return err(422001, [{ loc: [fromQuery ? 'query' : 'body', 'webhook'], msg: 'webhook must be an http(s) URL' }])
    }
    const intermediate = query.has('webhook_intermediate_status')
      ? isTrue(query.get('webhook_intermediate_status'))
      : isTrue(fields.webhook_intermediate_status)

    const inputs = Object.fromEntries(Object.entries(fields).filter(([k]) => !WEBHOOK_BODY_KEYS.includes(k)))
    const checked = checkSubmission(deployment, isObject ? inputs : body)
    if (!checked.ok) return err(422001, checked.issues)

    const request = engine.submit({
      deployment,
      prefix,
      submission: checked.value,
      webhook: typeof webhook === 'string' ? webhook : null,
      intermediate,
    })
    if (takeLostAnswer(ctx)) return cutConnection
    return json(200, { request_id: request.id, ...requestUrls(ctx.baseUrl(), prefix, request) })
  }

  const perPrefix = RUNCOMFY_PREFIXES.flatMap((p): Route[] => [
    { method: 'POST', path: `${p}/deployments/:id/inference`, handle: authed(ctx, (req) => submit(p, req)) },
    {
      method: 'GET',
      path: `${p}/deployments/:id/requests/:rid/status`,
      handle: authed(ctx, (req) => {
        const found = lookup(req)
        if (!found.ok) return found.reply
        return json(200, statusBody(found.request, requestUrls(ctx.baseUrl(), p, found.request), ctx.faults))
      }),
    },
    {
      method: 'GET',
      path: `${p}/deployments/:id/requests/:rid/result`,
      handle: authed(ctx, (req) => {
        const found = lookup(req)
        return found.ok ? json(200, resultBody(found.request, ctx.faults)) : found.reply
      }),
    },
    {
      method: 'POST',
      path: `${p}/deployments/:id/requests/:rid/cancel`,
      handle: authed(ctx, (req) => {
        const found = lookup(req)
        if (!found.ok) return found.reply
        const request_id = found.request.id
        const outcome = engine.cancel(request_id)
        switch (outcome?.kind) {
          case 'cancelled':
            return json(200, { request_id, status: outcome.status, outcome: 'cancelled' })
          case 'requested':
            return json(200, { request_id, status: 'cancellation_requested' })
          case 'not-cancellable':
            return json(200, { request_id, status: outcome.status, outcome: 'not_cancellable' })
          default:
            return err(404001)
        }
      }),
    },
  ])

  const routes: Route[] = [
    ...perPrefix,
    {
      method: 'GET',
      path: `${RUNCOMFY_V2}/deployments`,
      handle: authed(ctx, (req) => {
        const ids = listParam(req.url, 'ids')
        const includes = new Set(listParam(req.url, 'includes'))
        const chosen = ids.length === 0 ? RUNCOMFY_DEPLOYMENTS : RUNCOMFY_DEPLOYMENTS.filter((d) => ids.includes(d.id))
        return json(200, chosen.map((d) => deploymentModel(ctx, d, includes)))
      }),
    },
    {
      method: 'GET',
      path: `${RUNCOMFY_V2}/deployments/:id`,
      handle: authed(ctx, (req) => {
        const d = findRcDeployment(req.params.id ?? '')
        return d ? json(200, deploymentModel(ctx, d, new Set(listParam(req.url, 'includes')))) : err(404001)
      }),
    },
    {
      // The official CLI's `balance` (v2 only): the seeded balance less what the requests' sessions cost so far.
      method: 'GET',
      path: `${RUNCOMFY_V2}/balance`,
      handle: authed(ctx, () => json(200, { balance_usd: runComfyBalanceUsd(ctx.ledger, Date.now()), currency: 'USD' })),
    },
    // The deployments API is v2 only: v1 answers 404001, so a client falling back to v1 learns nothing more.
    { method: 'GET', path: '/prod/v1/deployments', handle: authed(ctx, () => err(404001)) },
    { method: 'GET', path: '/prod/v1/deployments/:id', handle: authed(ctx, () => err(404001)) },
    {
      // What `object_info_url` points at: public, like the presigned file the real one is (no auth needed).
      method: 'GET',
      path: `${RUNCOMFY_V2}/object_info`,
      handle: () => ({ status: 200, bytes: Buffer.from(objectInfoJson()), contentType: 'application/json' }),
    },
    {
      // Output files: public, no token (§1); gone after runcomfyOutputTtlMs. Otherwise served exactly like
      // /media/ (same store, same download knobs), minus ComfyDeploy's presigned-URL check.
      method: 'GET',
      path: `${RUNCOMFY_STORAGE}/:rid/:filename`,
      handle: (req) => {
        const rid = req.params.rid ?? ''
        if (!serveMedia || engine.expired(rid)) return detail(404, 'Not Found')
        return serveMedia.handle({ ...req, params: { runId: rid, filename: req.params.filename ?? '' } })
      },
    },
  ]

  return { routes, reset: () => engine.reset() }
}
