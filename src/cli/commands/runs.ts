import { randomInt } from 'node:crypto'
import { resolve } from 'node:path'
import { seedField, type Deployment } from '@shared/deployment'
import type { GridAxisArgs } from '@shared/grid'
import { cellCount, cellCountError } from '@shared/grid-axes'
import { isTerminal, ProviderId, type InputValues, type Run, type RunCost, type RunId } from '@shared/run'
import type { Output } from '@shared/output'
import type { Result } from '@shared/result'
import { axisFor, splitAxis } from '../axes'
import type { Context } from '../context'
import { CliError, EXIT, usage } from '../exit-codes'
import { copyOutputs, EventTap, follow, outputJson, runJson, type Followed } from '../follow'
import { buildInputs, coerceText, mimeFor, parseAssignment, readInputFile, readInputsFile } from '../inputs'
import { failure, must, type Session } from '../session'

export interface WaitOptions {
  wait?: boolean
  timeout?: string
  out?: string
  download?: boolean
  cancelOnExit?: boolean
}

export interface RunOptions extends WaitOptions {
  inputsFile?: string
  n?: string
  seed?: string
  yes?: boolean
  maxCost?: string
}

export interface GridOptions extends WaitOptions {
  x?: string
  y?: string
  z?: string
  yes?: boolean
  maxCost?: string
}

const RUN_SHAPE = { run: null, outputs: [], cost: null }

/** `provider/deployment`: the provider checked, the deployment named by id or name. */
export function parseTarget(target: string): { provider: ProviderId; deployment: string } {
  const slash = target.indexOf('/')
  const provider = ProviderId.safeParse(slash < 0 ? target : target.slice(0, slash))
  if (!provider.success) throw usage(`"${target}": start with a provider (${ProviderId.options.join(', ')}), then /deployment`)
  const deployment = slash < 0 ? '' : target.slice(slash + 1).trim()
  if (deployment === '') throw usage(`"${target}": say which deployment, e.g. ${provider.data}/"Dreamscape SDXL" (list them: courier deployments ${provider.data})`)
  return { provider: provider.data, deployment }
}

/** A deployment by id, else by its name (case-insensitive) when exactly one has it. */
export async function findDeployment(session: Session, provider: ProviderId, ref: string): Promise<Deployment> {
  const deployments = await must(session, 'deployments.list', { provider })
  const byId = deployments.find((d) => d.id === ref)
  if (byId) return byId
  const byName = deployments.filter((d) => d.name.toLowerCase() === ref.toLowerCase())
  if (byName.length === 1) return byName[0]!
  const names = deployments.map((d) => `"${d.name}"`).join(', ') || 'none'
  if (byName.length > 1) throw usage(`${byName.length} deployments of ${provider} are named "${ref}": name it by id (${byName.map((d) => d.id).join(', ')})`)
  throw usage(`${provider} has no deployment "${ref}"; it has: ${names}`)
}

const parseNumber = (flag: string, text: string | undefined, check: (n: number) => boolean, what: string): number | undefined => {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) throw usage(`${flag} takes ${what}, not "${text}"`)
  return value
}

const usd = (value: number): string => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`

/**
 * Spend consent (issue 17 and 20): the Demo and a zero estimate need none; `--max-cost` allows up to its
 * figure, `--yes` the estimate; on a terminal a figure above the user's threshold is asked about; in a
 * script a paid run without either is refused (exit 4). Answers the `confirmUsd` to send.
 */
export async function consent(
  ctx: Context,
  session: Session,
  what: { provider: ProviderId; deploymentId: string; count: number },
  opts: { yes?: boolean; maxCost?: string },
): Promise<number | undefined> {
  const maxCost = parseNumber('--max-cost', opts.maxCost, (n) => n >= 0, 'dollars (0 or more)')
  if (what.provider === 'demo') return undefined
  const quote = await must(session, 'spend.quote', what)
  if (quote.verdict === 'refuse') throw new CliError(quote.reason ?? 'the budget refuses this', EXIT.budget, 'BUDGET_EXCEEDED')
  if (quote.usd <= 0) return undefined
  const figure = `about ${usd(quote.usd)} for ${what.count} run${what.count === 1 ? '' : 's'} (${quote.explanation.replace(/\.$/, '')})`
  if (maxCost !== undefined) {
    if (quote.usd > maxCost) throw new CliError(`this would cost ${figure}, above --max-cost ${usd(maxCost)}`, EXIT.budget, 'SPEND_CONFIRMATION_REQUIRED')
    return maxCost
  }
  if (opts.yes) return quote.usd
  if (ctx.interactive) {
    if (quote.verdict !== 'confirm') return undefined // under the user's threshold: no question
    if (await ctx.reporter.confirm(`This would cost ${figure}${quote.reason ? `: ${quote.reason}` : ''}. Go ahead?`)) return quote.usd
    throw new CliError('not confirmed: nothing was sent', EXIT.budget, 'SPEND_CONFIRMATION_REQUIRED')
  }
  throw new CliError(
    `this would cost ${figure}. Without a terminal to ask, pass --yes to accept the estimate or --max-cost <usd> to cap it`,
    EXIT.budget,
    'SPEND_CONFIRMATION_REQUIRED',
  )
}

/** Sends a submit; with --yes, one that the estimate moved past (between quote and submit) is confirmed again. */
async function submitWithConsent<T>(send: (confirmUsd: number | undefined) => Promise<Result<T>>, confirmUsd: number | undefined, yes: boolean): Promise<T> {
  let answer = await send(confirmUsd)
  if (!answer.ok && yes && answer.error.code === 'SPEND_CONFIRMATION_REQUIRED' && answer.error.details?.estimateUsd !== undefined) {
    answer = await send(answer.error.details.estimateUsd)
  }
  if (!answer.ok) throw failure(answer.error)
  return answer.value
}

/** `{ confirmUsd }` when there is consent to send, else nothing. */
const consentArg = (confirmUsd: number | undefined) => (confirmUsd === undefined ? {} : { confirmUsd })

const timeoutMs = (opts: WaitOptions): number | null => {
  const seconds = parseNumber('--timeout', opts.timeout, (n) => n > 0, 'seconds (more than 0)')
  return seconds === undefined ? null : seconds * 1000
}

function totalCost(runs: readonly Run[]): RunCost | null {
  const costs = runs.flatMap((run) => (run.cost ? [run.cost] : []))
  if (costs.length === 0) return null
  return {
    usd: costs.reduce((sum, cost) => sum + cost.usd, 0),
    gpuSeconds: costs.reduce((sum, cost) => sum + cost.gpuSeconds, 0),
    estimated: costs.some((cost) => cost.estimated),
    gpu: costs.every((cost) => cost.gpu === costs[0]!.gpu) ? costs[0]!.gpu : null,
  }
}

/**
 * Cancels a run, trying again for a few seconds while the service is having trouble. A run the service has
 * not dispatched yet is answered at once ("Cancelling: …") and cancelled by core as soon as it can be: a
 * command running its own core waits as long for that, since its core stops when it exits (the cancel stays
 * kept with the run, and the next app or command on this data folder carries it out).
 */
export async function cancelRun(session: Session, id: RunId): Promise<Result<Run>> {
  const deadline = Date.now() + 15_000
  const pause = (ms: number) => new Promise((resolveWait) => setTimeout(resolveWait, ms))
  for (;;) {
    const answer = await session.call('runs.cancel', { id })
    if (answer.ok) {
      let run = answer.value
      while (session.via === 'headless' && !isTerminal(run.status) && Date.now() < deadline) {
        await pause(250)
        const now = await session.call('runs.get', { id })
        if (!now.ok) break
        run = now.value
      }
      return { ok: true, value: run }
    }
    if (answer.error.code !== 'PROVIDER_UNAVAILABLE' || Date.now() > deadline) return answer
    await pause(500)
  }
}

/**
 * Follows submitted (or watched) runs to the end, then reports: the summary line, the files (copied to
 * `--out`), the exit code. Ctrl+C cancels only with --cancel-on-exit or after asking; a timeout leaves the
 * run going and says how to watch it.
 */
/** How long a grid command waits, once its cells have ended, for the grid image to be assembled and saved. */
const GRID_IMAGE_WAIT_MS = 60_000

/** The grid's image once it is saved, or why there is none (refused as too big, or not made in time). */
async function gridImage(session: Session, gridId: string): Promise<{ ok: true; output: Output } | { ok: false; message: string }> {
  const deadline = Date.now() + GRID_IMAGE_WAIT_MS
  while (Date.now() < deadline) {
    const grid = await session.call('grids.get', { gridId })
    if (!grid.ok) return { ok: false, message: grid.error.message }
    if (grid.value.imageState === 'failed') return { ok: false, message: grid.value.imageError ?? 'it could not be assembled' }
    if (grid.value.imageState === 'saved' && grid.value.imageOutputId !== null) {
      const output = await session.call('outputs.get', { id: grid.value.imageOutputId })
      return output.ok ? { ok: true, output: output.value } : { ok: false, message: output.error.message }
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return { ok: false, message: `it was not ready within ${GRID_IMAGE_WAIT_MS / 1000} s (see it in the app's grid view)` }
}

/** Follows the runs to their end (or the timeout, or Ctrl+C), then prints the summary; `group` names a batch or grid. */
export async function finish(
  ctx: Context,
  session: Session,
  tap: EventTap,
  runs: Run[],
  opts: WaitOptions,
  group: string | null,
  gridId?: string,
): Promise<number> {
  const { reporter } = ctx
  const libraryDir = (await must(session, 'app.info', {})).libraryDir
  const waitForFiles = opts.download !== false
  const ids = runs.map((run) => run.id)
  const watchHint = ids.map((id) => `courier watch ${id}`).join('; ')
  if (opts.wait === false) {
    tap.close()
    reporter.line(`Submitted ${ids.join(', ')}${session.via === 'app' ? ' (live in the app)' : ''}. Follow: ${watchHint}`)
    reporter.summary({ ok: true, run: group ?? ids[0], runs: runs.map(runJson), outputs: [], cost: null, error: null })
    return EXIT.ok
  }
  ctx.handleInterrupt()
  const followed: Followed = await follow({ session, reporter, runs, waitForFiles, libraryDir, timeoutMs: timeoutMs(opts), interrupted: ctx.interrupted, tap })
  reporter.stopBars()

  let exitCode: number = EXIT.ok
  let error: { code: string; message: string } | null = null
  if (followed.ending !== 'done') {
    const live = followed.runs.filter((run) => !['succeeded', 'failed', 'cancelled', 'timed_out'].includes(run.status) || (run.status === 'succeeded' && run.outputs === 'pending'))
    let cancel = opts.cancelOnExit === true
    if (followed.ending === 'interrupted' && !cancel && ctx.interactive && live.length > 0) {
      cancel = await reporter.confirm(`Cancel ${live.length === 1 ? 'the run' : `${live.length} runs`} at the service too?`)
    }
    if (cancel) {
      for (const run of live) {
        const answer = await cancelRun(session, run.id)
        if (answer.ok) followed.runs[followed.runs.findIndex((r) => r.id === run.id)] = answer.value
        reporter.event('cancelled', { run: run.id, ok: answer.ok, ...(answer.ok ? {} : { error: answer.error }) })
        reporter.note(answer.ok ? `Cancelled ${run.id}.` : `Could not cancel ${run.id} (${answer.error.message}); it goes on: courier watch ${run.id}`)
      }
    } else if (live.length > 0) {
      const where = session.via === 'app' ? 'in the app' : 'at the service (its files are saved the next time the app or a courier command runs on this data folder)'
      reporter.note(`Left running ${where}. Follow it: ${live.map((run) => `courier watch ${run.id}`).join('; ')}`)
      reporter.event('detached', { runs: live.map((run) => run.id) })
    }
    exitCode = followed.ending === 'timeout' ? EXIT.timeout : EXIT.interrupted
    error = followed.ending === 'timeout' ? { code: 'TIMEOUT', message: `--timeout ${opts.timeout}s passed` } : { code: 'INTERRUPTED', message: cancel ? 'cancelled' : 'interrupted' }
  } else {
    const bad = followed.runs.find((run) => run.status !== 'succeeded' || (waitForFiles && run.outputs === 'failed') || (waitForFiles && run.outputs === 'pending'))
    if (bad) {
      exitCode = EXIT.failed
      error = bad.error ?? { code: bad.status === 'succeeded' ? 'DOWNLOAD_FAILED' : 'RUN_FAILED', message: `${bad.id} ${bad.status}` }
    }
  }

  // A grid's own picture is assembled once its cells have ended: it is the file a grid command is for.
  if (gridId !== undefined && followed.ending === 'done' && followed.runs.some((run) => run.status === 'succeeded')) {
    const image = await gridImage(session, gridId)
    if (image.ok) {
      followed.outputs.push(image.output)
      reporter.event('output', { run: null, gridId, output: outputJson(libraryDir, image.output) })
    } else {
      reporter.note(`The grid image was not made: ${image.message}`)
      reporter.event('grid', { gridId, image: null, error: image.message })
    }
  }
  const copied = opts.out && followed.outputs.length > 0 ? await copyOutputs(libraryDir, followed.outputs, resolve(opts.out)) : new Map<string, string>()
  const outputs = followed.outputs.map((output) => ({ ...outputJson(libraryDir, output), ...(copied.has(output.id) ? { copiedTo: copied.get(output.id) } : {}) }))
  const cost = totalCost(followed.runs)
  reporter.summary({ ok: exitCode === EXIT.ok, run: group ?? ids[0], runs: followed.runs.map(runJson), outputs, cost, error })

  if (!reporter.json) {
    const ok = exitCode === EXIT.ok
    const statuses = [...new Set(followed.runs.map((run) => run.status))].join(', ')
    const costText = cost ? ` · ${usd(cost.usd)}${cost.estimated ? ' est.' : ''}` : ''
    const mark = ok ? reporter.paint('green', '✓') : reporter.paint('red', '✗')
    reporter.line(`${mark} ${group ?? ids[0]} ${statuses}${costText} · ${outputs.length} file${outputs.length === 1 ? '' : 's'}${error ? ` — ${error.message}` : ''}`)
    for (const output of outputs) reporter.line(`  ${output.copiedTo ?? output.path}`)
  }
  return exitCode
}

/** `courier run`. */
export async function runCommand(ctx: Context, target: string, assignments: string[], opts: RunOptions): Promise<number> {
  ctx.summaryShape = RUN_SHAPE
  const { provider, deployment: ref } = parseTarget(target)
  const parsed = assignments.map(parseAssignment)
  const count = parseNumber('--n', opts.n, (n) => Number.isInteger(n) && n >= 1 && n <= 16, 'a count from 1 to 16') ?? 1
  const fromFile = opts.inputsFile !== undefined ? await readInputsFile(opts.inputsFile) : {}
  if (opts.seed !== undefined && opts.seed !== 'random') parseNumber('--seed', opts.seed, (n) => Number.isInteger(n) && n >= 0, 'a whole number or "random"')
  const session = await ctx.session()
  const deployment = await findDeployment(session, provider, ref)
  const inputs: InputValues = await buildInputs(deployment, fromFile, parsed, async (key, path) => {
    const file = await readInputFile(path, key)
    const uploaded = await must(session, 'uploads.create', { provider, fileName: file.name, mime: mimeFor(path), dataBase64: file.bytes.toString('base64') })
    ctx.reporter.event('uploaded', { input: key, file: path, bytes: uploaded.bytes })
    return uploaded.value
  })
  if (opts.seed !== undefined) {
    const field = seedField(deployment.inputs)
    if (!field) throw usage(`${deployment.name} has no seed input, so --seed has nothing to set`)
    inputs[field.id] = opts.seed === 'random' ? randomInt(0, 2 ** 32 - 1) : coerceText(field, '--seed', opts.seed)
  }
  if (provider === 'demo' && opts.wait === false && session.via === 'headless') {
    throw usage('the Demo runs inside this command\'s own core, which stops with it: without the app open on this data folder, --no-wait would strand the run. Wait for it, or start the app (npm run web) first')
  }
  const confirmUsd = await consent(ctx, session, { provider, deploymentId: deployment.id, count }, opts)
  const tap = await EventTap.open(session)
  let runs: Run[]
  try {
    runs =
      count === 1
        ? [await submitWithConsent((c) => session.call('runs.submit', { provider, deploymentId: deployment.id, inputs, ...consentArg(c) }), confirmUsd, opts.yes === true)]
        : await submitWithConsent((c) => session.call('runs.submitBatch', { provider, deploymentId: deployment.id, inputs, count, ...consentArg(c) }), confirmUsd, opts.yes === true)
  } catch (error) {
    tap.close()
    throw error
  }
  for (const run of runs) ctx.reporter.event('queued', { run: run.id, status: run.status, provider, deployment: deployment.name, deploymentId: deployment.id, batchId: run.batchId, inputs: run.inputs, via: session.via })
  if (!ctx.reporter.json) ctx.reporter.note(`${runs.length === 1 ? runs[0]!.id : `${runs.length} runs (batch ${runs[0]!.batchId})`} submitted to ${provider}/${deployment.name}${session.via === 'app' ? ', live in the app' : ''}`)
  return finish(ctx, session, tap, runs, opts, count > 1 ? runs[0]!.batchId : null)
}

/** `courier watch`. */
export async function watchCommand(ctx: Context, id: string, opts: WaitOptions): Promise<number> {
  ctx.summaryShape = RUN_SHAPE
  const session = await ctx.session()
  const tap = await EventTap.open(session)
  const found = await session.call('runs.get', { id: id as RunId })
  if (!found.ok) {
    tap.close()
    if (found.error.code === 'NOT_FOUND') throw usage(`no run ${id} in ${ctx.dataDir} (list them: courier ls)`)
    throw failure(found.error)
  }
  ctx.reporter.event('watching', { run: id, status: found.value.status, via: session.via })
  return finish(ctx, session, tap, [found.value], { ...opts, wait: true }, null)
}

/** `courier grid`: one run per cell, over `grids.submit`. */
export async function gridCommand(ctx: Context, target: string, assignments: string[], opts: GridOptions): Promise<number> {
  ctx.summaryShape = RUN_SHAPE
  const { provider, deployment: ref } = parseTarget(target)
  const specs = (['x', 'y', 'z'] as const).flatMap((axis) => (opts[axis] === undefined ? [] : [{ flag: `--${axis}`, ...splitAxis(opts[axis]!, `--${axis}`) }]))
  if (specs.length === 0) throw usage('a grid needs at least --x input=values')
  const parsed = assignments.map(parseAssignment)
  const session = await ctx.session()
  const deployment = await findDeployment(session, provider, ref)
  const fields = new Map(deployment.inputs.map((field) => [field.id, field]))
  for (const spec of specs) {
    if (!fields.has(spec.input)) throw usage(`"${spec.input}" is not an input of ${deployment.name}; its inputs: ${deployment.inputs.map((f) => f.id).join(', ')}`)
  }
  const inputs = await buildInputs(deployment, {}, parsed, async (key, path) => {
    const file = await readInputFile(path, key)
    return (await must(session, 'uploads.create', { provider, fileName: file.name, mime: mimeFor(path), dataBase64: file.bytes.toString('base64') })).value
  })
  // Parsed once the fixed inputs are known: a search/replace axis searches the prompt given with them.
  const axes: GridAxisArgs[] = specs.map((spec) => axisFor(spec, fields.get(spec.input)!, inputs, spec.flag))
  const cells = cellCount(axes)
  const tooMany = cellCountError(cells)
  if (tooMany !== null) throw usage(tooMany)
  const confirmUsd = await consent(ctx, session, { provider, deploymentId: deployment.id, count: cells }, opts)
  const tap = await EventTap.open(session)
  let submitted: { gridId: string; runs: Run[] }
  try {
    submitted = await submitWithConsent(
      (c) => session.call('grids.submit', { provider, deploymentId: deployment.id, inputs, axes, ...consentArg(c) }),
      confirmUsd,
      opts.yes === true,
    )
  } catch (error) {
    tap.close()
    throw error
  }
  for (const run of submitted.runs) ctx.reporter.event('queued', { run: run.id, status: run.status, provider, deployment: deployment.name, gridId: submitted.gridId, inputs: run.inputs, via: session.via })
  return finish(ctx, session, tap, submitted.runs, opts, submitted.gridId, submitted.gridId)
}
