import http from 'node:http'

/** One request the receiver got, with the status it answered. */
export interface ReceivedHook {
  method: string
  /** Path and query, e.g. `/cd/abc?token=x`. */
  path: string
  body: unknown
  answered: number
  /** `performance.timeOrigin + performance.now()` on arrival, comparable with `onWebhookSent`'s `sentAt`. */
  receivedAt: number
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT`; append any path. */
  url: string
  /** Every request, in arrival order, including the ones answered with an error. */
  hooks: ReceivedHook[]
  /** Answer the next requests with these statuses, in order; afterwards 200 again. */
  failNext(...statuses: number[]): void
  /** Never answer (for close/timeout tests). */
  hang(on: boolean): void
  /** Resolves once `predicate(hooks)` holds; rejects after `timeoutMs` with what did arrive. */
  waitFor(predicate: (hooks: ReceivedHook[]) => boolean, timeoutMs?: number): Promise<ReceivedHook[]>
  close(): Promise<void>
}

/** A loopback webhook endpoint for simulator tests: records bodies and lets a test wait on them. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hooks: ReceivedHook[] = []
  const planned: number[] = []
  let hanging = false
  const waiters = new Set<() => void>()

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (hanging) return
      const text = Buffer.concat(chunks).toString('utf8')
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // Kept as text: a test asserting on the body will show what came instead of JSON.
      }
      const answered = planned.shift() ?? 200
      hooks.push({ method: req.method ?? '', path: req.url ?? '', body, answered, receivedAt: performance.timeOrigin + performance.now() })
      res.writeHead(answered, { 'content-type': 'application/json' }).end('{}')
      for (const wake of waiters) wake()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('receiver has no port')

  return {
    url: `http://127.0.0.1:${address.port}`,
    hooks,
    failNext: (...statuses) => planned.push(...statuses),
    hang: (on) => (hanging = on),
    waitFor: (predicate, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(hooks)) return
          cleanup()
          resolve(hooks)
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`webhooks did not arrive in ${timeoutMs} ms; got ${JSON.stringify(hooks.map((h) => h.body))}`))
        }, timeoutMs)
        const cleanup = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
