import { STATUS_CODES } from 'node:http'
import type { SimContext, SimProvider } from '../context'
import { detail, json, type Reply, type Route, type SimRequest } from '../http/router'
import { DEPLOYMENTS, findDeployment } from './deployments'
import { deploymentModel } from './models'
import { platformRoutes } from './platform-routes'
import { QueueRequest, checkInputTypes, toFastApiIssues } from './queue-request'
import { RunEngine } from './run-engine'
import { cutConnection, takeDroppedRequest, takeLostAnswer } from '../lost-answer'
import { UPLOAD_BODY_SLACK, UPLOAD_LIMIT_BYTES, handleUpload, missingUploads, moveDataUris } from './uploads'

/** ComfyDeploy lives under `/api`, so the app's `COMFYDEPLOY_API_URL` is `${sim.url}/api`. */
export const COMFYDEPLOY_PREFIX = '/api'

const CANCEL_BEFORE_DISPATCH = 'Error cancel function 404: Run not found or has no modal function call ID'

/**
 * Wraps a handler with Bearer auth (comfydeploy.md §1). Any non-empty key passes, unless the authFailure
 * knob is on, which answers as the real service does for a revoked or expired key.
 */
function authed(ctx: SimContext, handle: (req: SimRequest) => Reply | Promise<Reply>) {
  return (req: SimRequest): Reply | Promise<Reply> => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (!match) return detail(401, 'Invalid or missing token')
    if (ctx.faults.authFailure) return detail(401, 'Invalid or expired token')
    return handle(req)
  }
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false; reply: Reply } {
  if (raw.length === 0) return { ok: false, reply: json(422, { detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] }) }
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) }
  } catch (error) {
    return {
      ok: false,
      reply: json(422, {
        detail: [{ loc: ['body', 0], msg: 'JSON decode error', type: 'json_invalid', ctx: { error: String(error) } }],
      }),
    }
  }
}

export function createComfyDeploy(ctx: SimContext): SimProvider {
  const engine = new RunEngine(ctx)
  const p = COMFYDEPLOY_PREFIX

  /** The failQueueWithStatus knob, counted down by failQueueTimes. */
  function injectedQueueFailure(): Reply | undefined {
    const { faults } = ctx
    const status = faults.failQueueWithStatus
    if (status === null) return undefined
    if (faults.failQueueTimes !== null) {
      faults.failQueueTimes--
      if (faults.failQueueTimes <= 0) {
        faults.failQueueWithStatus = null
        faults.failQueueTimes = null
      }
    }
    ctx.stats.queueCallsFailed++
    return failure(status)
  }

  /** The failGetRunWithStatus knob, counted down by failGetRunTimes. */
  function injectedGetRunFailure(): Reply | undefined {
    const { faults } = ctx
    const status = faults.failGetRunWithStatus
    if (status === null) return undefined
    if (faults.failGetRunTimes !== null) {
      faults.failGetRunTimes--
      if (faults.failGetRunTimes <= 0) {
        faults.failGetRunWithStatus = null
        faults.failGetRunTimes = null
      }
    }
    return failure(status)
  }

  function failure(status: number): Reply {
    const seconds = ctx.faults.retryAfterSeconds
    return detail(status, STATUS_CODES[status] ?? 'Error', seconds === null ? undefined : { 'retry-after': String(seconds) })
  }

  const routes: Route[] = [
    {
      method: 'GET',
      path: `${p}/deployments`,
      handle: authed(ctx, (req) => {
        const env = req.url.searchParams.get('environment')
        return json(200, DEPLOYMENTS.filter((d) => !env || d.environment === env).map((d) => deploymentModel(d, ctx.machineConcurrency)))
      }),
    },
    {
      method: 'GET',
      path: `${p}/deployment/:id`,
      handle: authed(ctx, (req) => {
        const d = findDeployment(req.params.id ?? '')
        return d ? json(200, deploymentModel(d, ctx.machineConcurrency)) : detail(404, 'Deployment not found')
      }),
    },
    {
      // §1.6: the deployment's runs, newest first; how a client finds a run whose queue answer it lost.
      method: 'GET',
      path: `${p}/deployment/:id/runs`,
      handle: authed(ctx, (req) => {
        const d = findDeployment(req.params.id ?? '')
        if (!d) return detail(404, 'Deployment not found')
        const query = req.url.searchParams
        const limit = Math.min(Math.max(Number(query.get('limit') ?? 60) || 60, 1), 200)
        const offset = Math.max(Number(query.get('offset') ?? 0) || 0, 0)
        const status = query.get('status') || null
        return json(200, engine.listForDeployment(d.id, { limit, offset, status }))
      }),
    },
    {
      method: 'POST',
      path: `${p}/run/deployment/queue`,
      handle: authed(ctx, async (req) => {
        if (takeDroppedRequest(ctx)) return cutConnection
        const failure = injectedQueueFailure()
        if (failure) return failure
        const body = parseJson(await req.body())
        if (!body.ok) return body.reply
        const parsed = QueueRequest.safeParse(body.value, { reportInput: true })
        if (!parsed.success) return json(422, { detail: toFastApiIssues(parsed.error) })
        const deployment = findDeployment(parsed.data.deployment_id)
        if (!deployment) return detail(404, 'Deployment not found')
        const rejected = ctx.faults.rejectInput
        if (rejected) {
          ctx.faults.rejectInput = null
          return json(422, { detail: [{ loc: ['body', 'inputs', rejected.input], msg: rejected.message, type: 'value_error' }] })
        }
        const issues = [...checkInputTypes(deployment, parsed.data.inputs), ...missingUploads(ctx, parsed.data.inputs)]
        if (issues.length > 0) return json(422, { detail: issues })
        const run = engine.queue(deployment, { ...parsed.data, inputs: moveDataUris(ctx, parsed.data.inputs) })
        if (takeLostAnswer(ctx)) return cutConnection
        return json(200, { run_id: run.id })
      }),
    },
    {
      method: 'GET',
      path: `${p}/run/:id`,
      handle: authed(ctx, (req) => {
        const failed = injectedGetRunFailure()
        if (failed) return failed
        const model = engine.model(req.params.id ?? '', req.url.searchParams.get('queue_position') === 'true')
        return model ? json(200, model) : detail(404, 'Run not found')
      }),
    },
    {
      method: 'POST',
      path: `${p}/run/:id/cancel`,
      handle: authed(ctx, (req) => {
        switch (engine.cancel(req.params.id ?? '')) {
          case 'not-found':
            return detail(404, 'Run not found')
          case 'not-dispatched':
            return detail(500, CANCEL_BEFORE_DISPATCH)
          case 'already-final':
          case 'cancelled':
            return json(200, { status: 'success', message: 'Function cancelled' })
        }
      }),
    },
    {
      method: 'POST',
      path: `${p}/file/upload`,
      maxBodyBytes: UPLOAD_LIMIT_BYTES + UPLOAD_BODY_SLACK,
      handle: authed(ctx, (req) => handleUpload(ctx, req)),
    },
    ...platformRoutes(ctx, (handle) => authed(ctx, handle)),
  ]

  return { routes, reset: () => engine.reset() }
}
