import { resolve } from 'node:path'
import { EXPORT_MAX_FILES } from '@shared/contract'
import type { ImportProgress } from '@shared/imports'
import { RunStatus, type ProviderId, type Run, type RunId } from '@shared/run'
import type { Context } from '../context'
import { CliError, EXIT, usage } from '../exit-codes'
import { outputJson, runJson } from '../follow'
import { readInputFile } from '../inputs'
import { failure, must } from '../session'
import { cancelRun, parseTarget } from './runs'

const usd = (value: number): string => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`
const when = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 16)

const positiveInt = (flag: string, text: string | undefined, max: number, fallback: number): number => {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1 || value > max) throw usage(`${flag} takes a whole number from 1 to ${max}, not "${text}"`)
  return value
}

function runLine(run: Run): string {
  const cost = run.cost ? `${usd(run.cost.usd)}${run.cost.estimated ? '*' : ''}` : '-'
  return [run.id, run.status.padEnd(10), when(run.createdAt), cost.padStart(8), `${run.outputCount} out`, `${run.provider}/${run.deploymentName}`].join('  ')
}

/** `courier ls`. */
export async function lsCommand(ctx: Context, opts: { status?: string; limit?: string }): Promise<number> {
  const limit = positiveInt('--limit', opts.limit, 500, 20)
  const status = opts.status === undefined ? undefined : RunStatus.safeParse(opts.status)
  if (status && !status.success) throw usage(`--status is one of ${RunStatus.options.join(', ')}`)
  const session = await ctx.session()
  const all = await must(session, 'runs.list', { limit: status ? 500 : limit })
  const runs = (status ? all.filter((run) => run.status === status.data) : all).slice(0, limit)
  ctx.reporter.summary({ ok: true, runs: runs.map(runJson) })
  if (runs.length === 0) ctx.reporter.note('No runs yet. Start one: courier run demo/"Dreamscape SDXL" positive_prompt="a lighthouse"')
  for (const run of runs) ctx.reporter.line(runLine(run))
  return EXIT.ok
}

/** `courier get`. */
export async function getCommand(ctx: Context, id: string): Promise<number> {
  const session = await ctx.session()
  const found = await session.call('runs.get', { id: id as RunId })
  if (!found.ok) throw found.error.code === 'NOT_FOUND' ? usage(`no run ${id} in ${ctx.dataDir} (list them: courier ls)`) : failure(found.error)
  const run = found.value
  const { libraryDir } = await must(session, 'app.info', {})
  const outputs = (await must(session, 'outputs.list', { runId: run.id, limit: 500 })).map((output) => outputJson(libraryDir, output))
  ctx.reporter.summary({ ok: true, run: run.id, runs: [runJson(run)], inputs: run.inputs, outputs, cost: run.cost, error: run.error })
  const r = ctx.reporter
  r.line(runLine(run))
  if (run.liveStatus) r.line(`  live: ${run.liveStatus} (${Math.round(run.progress * 100)}%)`)
  if (run.error) r.line(`  error: ${run.error.code} ${run.error.message}`)
  for (const [key, value] of Object.entries(run.inputs)) r.line(`  ${key} = ${JSON.stringify(value)}`)
  for (const output of outputs) r.line(`  → ${output.path}`)
  return EXIT.ok
}

/** `courier cancel`. */
export async function cancelCommand(ctx: Context, id: string): Promise<number> {
  const session = await ctx.session()
  const answer = await cancelRun(session, id as RunId)
  if (!answer.ok) throw answer.error.code === 'NOT_FOUND' ? usage(`no run ${id} in ${ctx.dataDir} (list them: courier ls)`) : failure(answer.error)
  const run = answer.value
  ctx.reporter.summary({ ok: true, run: run.id, runs: [runJson(run)] })
  ctx.reporter.line(`Cancel sent: ${run.id} is ${run.status}`)
  return EXIT.ok
}

/** `courier deployments`. */
export async function deploymentsCommand(ctx: Context, provider: string): Promise<number> {
  const { provider: id } = parseTarget(`${provider}/-`)
  const session = await ctx.session()
  const deployments = await must(session, 'deployments.list', { provider: id as ProviderId })
  ctx.reporter.summary({ ok: true, provider: id, deployments })
  for (const deployment of deployments) {
    ctx.reporter.line(`${ctx.reporter.paint('bold', deployment.name)}  ${ctx.reporter.paint('dim', deployment.id)}`)
    for (const field of deployment.inputs) {
      const range = field.min !== undefined || field.max !== undefined ? ` ${field.min ?? ''}…${field.max ?? ''}` : ''
      const options = field.options?.length ? ` (${field.options.join(', ')})` : ''
      const fallback = field.defaultValue !== null && field.defaultValue !== '' ? ` = ${JSON.stringify(field.defaultValue)}` : ''
      ctx.reporter.line(`  ${field.id}  ${field.kind}${range}${options}${fallback}${field.required ? '  required' : ''}`)
    }
  }
  if (deployments.length === 0) ctx.reporter.note(`${id} lists no deployment`)
  return EXIT.ok
}

/** `courier import`: indexes a folder in place, following the scan to its end. */
export async function importCommand(ctx: Context, folder: string): Promise<number> {
  const session = await ctx.session()
  ctx.handleInterrupt()
  let last: ImportProgress | null = null
  let scanId: string | null = null
  let wake: () => void = () => {}
  const early: ImportProgress[] = []
  const onProgress = (progress: ImportProgress) => {
    if (scanId === null) return void early.push(progress)
    if (progress.id !== scanId) return
    last = progress
    ctx.reporter.event('progress', { ...progress })
    if (!ctx.reporter.json && process.stderr.isTTY) process.stderr.write(`\r\u001b[K${progress.state}: ${progress.done}/${progress.found} files, ${progress.added} added`)
    if (progress.state !== 'scanning') wake()
  }
  const stop = await session.subscribe((event) => {
    if (event.type === 'library.importing') onProgress(event.progress)
  })
  try {
    const started = await must(session, 'library.import', { folder: resolve(folder) })
    scanId = started.id
    for (const progress of early.splice(0)) onProgress(progress)
    let interrupted = false
    void ctx.interrupted.then(() => {
      interrupted = true
      wake()
    })
    while (!interrupted && (last === null || (last as ImportProgress).state === 'scanning')) {
      await new Promise<void>((resolveWait) => {
        wake = resolveWait
        setTimeout(resolveWait, 1000)
      })
    }
    if (interrupted) {
      await session.call('library.importCancel', { id: scanId })
      throw new CliError('import cancelled; what it added stays', EXIT.interrupted, 'INTERRUPTED')
    }
  } finally {
    stop()
  }
  const result = last as ImportProgress | null
  if (!ctx.reporter.json && process.stderr.isTTY) process.stderr.write('\n')
  const ok = result?.state === 'done'
  ctx.reporter.summary({ ok, import: result, error: ok ? null : { code: 'IMPORT_FAILED', message: result?.message ?? 'the scan ended early' } })
  if (result) ctx.reporter.line(`${ok ? 'Imported' : `Import ${result.state}:`} ${result.folder}: ${result.added} added, ${result.duplicates} duplicates, ${result.failed} unreadable of ${result.found} found${result.message ? ` (${result.message})` : ''}`)
  return ok ? EXIT.ok : EXIT.failed
}

/** `courier inspect`: what a file says about how it was made. */
export async function inspectCommand(ctx: Context, file: string): Promise<number> {
  const { name, bytes } = await readInputFile(file, 'inspect')
  const session = await ctx.session()
  const inspection = await must(session, 'files.inspect', { fileName: name, dataBase64: bytes.toString('base64') })
  ctx.reporter.summary({ ok: true, file: resolve(file), inspection })
  if (inspection.source === null) {
    ctx.reporter.line(`${file}: no generation data found`)
    return EXIT.ok
  }
  const rows: [string, unknown][] = [
    ['source', inspection.source],
    ['prompt', inspection.prompt],
    ['negative', inspection.negativePrompt],
    ['seed', inspection.seed],
    ['steps', inspection.steps],
    ['cfg', inspection.cfg],
    ['sampler', inspection.sampler],
    ['size', inspection.width && inspection.height ? `${inspection.width}×${inspection.height}` : null],
    ['model', inspection.model],
    ['workflow', inspection.workflow ? `yes (${inspection.workflow.length} characters; --json prints it)` : null],
  ]
  for (const [key, value] of rows) if (value !== null && value !== undefined) ctx.reporter.line(`${key.padEnd(9)} ${String(value)}`)
  return EXIT.ok
}

/** `courier export`: outputs matching a search, copied to a folder. */
export async function exportCommand(ctx: Context, query: string, dir: string, opts: { strip?: boolean; limit?: string }): Promise<number> {
  const limit = positiveInt('--limit', opts.limit, EXPORT_MAX_FILES, EXPORT_MAX_FILES)
  const session = await ctx.session()
  const everything = query.trim() === '' || query.trim() === '*'
  const found = await must(session, 'outputs.list', { ...(everything ? {} : { query }), limit })
  if (found.length === 0) throw new CliError(`no output matches "${query}"`, EXIT.failed, 'NOT_FOUND')
  const result = await must(session, 'outputs.export', { ids: found.map((output) => output.id), folder: resolve(dir), metadata: opts.strip ? 'strip' : 'keep' })
  ctx.reporter.summary({ ok: true, ...result })
  ctx.reporter.line(`Exported ${result.exported.length} file${result.exported.length === 1 ? '' : 's'} to ${result.folder}${opts.strip ? ' (generation data removed)' : ''}`)
  for (const skipped of result.skipped) ctx.reporter.note(`skipped ${skipped.id}: ${skipped.reason}`)
  return EXIT.ok
}

/** `courier spend`: the last 30 days by day, or (--month) this month by provider against its budget. */
export async function spendCommand(ctx: Context, opts: { month?: boolean }): Promise<number> {
  const session = await ctx.session()
  if (opts.month) {
    const overview = await must(session, 'spend.overview', {})
    const from = `${overview.month.key}-01`
    const byDeployment = await must(session, 'spend.summary', { from, to: Date.now(), groupBy: 'deployment' })
    ctx.reporter.summary({ ok: true, month: overview.month, deployments: byDeployment, deploymentNames: overview.deploymentNames })
    ctx.reporter.line(`${overview.month.key}`)
    for (const row of overview.month.byProvider) {
      const budget = row.budget?.monthlyUsd != null ? ` of ${usd(row.budget.monthlyUsd)} budget (${row.budgetState})` : ''
      const actual = row.actualUsd !== null ? `, the service says ${usd(row.actualUsd)}` : ''
      ctx.reporter.line(`  ${row.provider.padEnd(12)} ${String(row.runs).padStart(5)} runs  ${usd(row.estimatedUsd).padStart(9)} est.${actual}${budget}`)
    }
    for (const row of byDeployment) ctx.reporter.line(`    ${(overview.deploymentNames[row.key] ?? row.key).padEnd(30)} ${String(row.runs).padStart(5)} runs  ${usd(row.estimatedUsd).padStart(9)}`)
    return EXIT.ok
  }
  const to = Date.now()
  const rows = await must(session, 'spend.summary', { from: to - 30 * 86_400_000, to, groupBy: 'day' })
  const total = rows.reduce((sum, row) => sum + row.estimatedUsd, 0)
  ctx.reporter.summary({ ok: true, days: rows, totalUsd: total })
  for (const row of rows) ctx.reporter.line(`${row.key}  ${String(row.runs).padStart(5)} runs  ${usd(row.estimatedUsd).padStart(9)}${row.actualUsd !== null ? `  (service: ${usd(row.actualUsd)})` : ''}`)
  ctx.reporter.line(`last 30 days: ${usd(total)} estimated`)
  return EXIT.ok
}
