import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Deployment } from '@shared/deployment'
import type { CourierEvent } from '@shared/events'
import type { ProviderId, RunId } from '@shared/run'
import { DEFAULT_BUDGET, type Budget, type PaidProvider, type RunComfyPricing } from '@shared/spend'
import { EventHub } from '../events/event-hub'
import type { Logger } from '../log/logger'
import type { ProviderClient } from '../providers/types'
import { RunLedger } from '../runs/run-ledger'
import { openDatabase, type Db } from '../store/database'
import { ASSUMED_SECONDS_PER_RUN, SpendService } from './spend-service'

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => quiet } as unknown as Logger
const NOW = new Date(2026, 11, 6, 15, 0).getTime()

describe('SpendService', () => {
  let dir: string
  let db: Db
  let ledger: RunLedger
  let hub: EventHub<CourierEvent>
  let budgets: Partial<Record<PaidProvider, Budget>>
  let clients: Map<ProviderId, Partial<ProviderClient>>
  let deployments: Map<string, Deployment>
  let pricing: RunComfyPricing
  let spend: SpendService
  let seq = 0

  const client = (id: ProviderId, extra: Partial<ProviderClient> = {}): Partial<ProviderClient> => ({ id, label: id, demo: id === 'demo', ...extra })
  const deployment = (id: string, provider: ProviderId, hardware: string | null): Deployment => ({ id, name: `Deployment ${id}`, provider, description: '', inputs: [], customForm: false, hardware })

  /** A finished run of a deployment with its cost, created `daysAgo` before now. */
  function pastRun(provider: ProviderId, deploymentId: string, usd: number, gpuSeconds: number, daysAgo = 0, status: 'succeeded' | 'failed' = 'succeeded') {
    const id = `r_${++seq}` as RunId
    ledger.create({ id, provider, deploymentId, deploymentName: `Deployment ${deploymentId}`, inputs: {}, hookToken: `t${seq}`, webhookBase: null, now: NOW - daysAgo * 86_400_000 })
    ledger.change(id, { providerRunId: `p${seq}` })
    ledger.hint(id, { status })
    ledger.change(id, { cost: { gpuSeconds, usd, estimated: true, gpu: 'A10G' } })
    return id
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'courier-spend-'))
    db = openDatabase(join(dir, 'courier.db'))
    hub = new EventHub()
    ledger = new RunLedger({ db, events: hub, now: () => NOW })
    budgets = {}
    pricing = { plan: 'payg', tiers: {} }
    deployments = new Map([
      ['cd-1', deployment('cd-1', 'comfydeploy', 'A10G')],
      ['rc-1', deployment('rc-1', 'runcomfy', 'AMPERE_48')],
      ['demo-1', deployment('demo-1', 'demo', 'T4')],
      ['cd-mystery', deployment('cd-mystery', 'comfydeploy', null)],
    ])
    clients = new Map([
      ['comfydeploy', client('comfydeploy')],
      ['runcomfy', client('runcomfy')],
      ['demo', client('demo')],
    ])
    spend = new SpendService({
      db,
      providers: {
        get: (id) => clients.get(id) as ProviderClient | undefined,
        findDeployment: async (_provider, id) => deployments.get(id),
      },
      budget: (provider) => budgets[provider] ?? DEFAULT_BUDGET,
      runcomfyPricing: () => pricing,
      events: hub,
      log: quiet,
      now: () => NOW,
    })
  })
  afterEach(async () => {
    db.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('estimates from the deployment’s recent runs (their median), else from its GPU’s price, else says it cannot', async () => {
    const priceOnly = await spend.quote('comfydeploy', 'cd-1', 2)
    expect(priceOnly.ok && priceOnly.value).toMatchObject({ basis: 'price-only', secondsPerRun: ASSUMED_SECONDS_PER_RUN, gpu: 'A10G', verdict: 'ok' })
    expect(priceOnly.ok && priceOnly.value.usd).toBeCloseTo(2 * 60 * 0.000337, 3)
    for (const usd of [0.02, 0.05, 0.03]) pastRun('comfydeploy', 'cd-1', usd, usd * 1000)
    const history = await spend.quote('comfydeploy', 'cd-1', 8)
    expect(history.ok && history.value).toMatchObject({ basis: 'history', usd: 0.24, secondsPerRun: 30 })
    expect(history.ok && history.value.explanation).toContain('Median of its last 3 runs')
    const none = await spend.quote('comfydeploy', 'cd-mystery', 3)
    expect(none.ok && none.value).toMatchObject({ basis: 'none', usd: 0, verdict: 'confirm' })
  })

  it('prices RunComfy by the tier of its hardware, and the user’s chosen tier wins', async () => {
    const quote = await spend.quote('runcomfy', 'rc-1', 1)
    expect(quote.ok && quote.value).toMatchObject({ basis: 'price-only', gpu: 'X-Large (AMPERE_48)' })
    expect(quote.ok && quote.value.explanation).toContain('tier guessed')
    expect(quote.ok && quote.value.usdPerSecond).toBeCloseTo(2.5 / 3600, 8)
    pricing = { plan: 'pro', tiers: { 'rc-1': '2X-Large' } }
    const chosen = await spend.quote('runcomfy', 'rc-1', 1)
    expect(chosen.ok && chosen.value).toMatchObject({ gpu: '2X-Large (AMPERE_48)' })
    expect(chosen.ok && chosen.value.usdPerSecond).toBeCloseTo(3.99 / 3600, 8)
    expect(chosen.ok && chosen.value.explanation).not.toContain('guessed')
  })

  it('the Demo is free: it never asks, and says what simulated prices would make it', async () => {
    budgets.comfydeploy = { monthlyUsd: 1, confirmAboveUsd: 0, hardStop: true }
    const quote = await spend.quote('demo', 'demo-1', 16)
    expect(quote.ok && quote.value).toMatchObject({ usd: 0, verdict: 'free', budget: null })
    expect(quote.ok && quote.value.explanation).toMatch(/^The Demo is free\. With simulated prices this would be about \$/)
    expect((await spend.authorize({ provider: 'demo', deploymentId: 'demo-1', count: 16 })).ok).toBe(true)
  })

  it('asks above the per-action threshold, naming the estimate, and passes with that estimate confirmed', async () => {
    for (const usd of [0.3, 0.3, 0.3]) pastRun('comfydeploy', 'cd-1', usd, 300)
    const refused = await spend.authorize({ provider: 'comfydeploy', deploymentId: 'cd-1', count: 8 })
    expect(refused).toMatchObject({ ok: false, error: { code: 'SPEND_CONFIRMATION_REQUIRED', details: { estimateUsd: 2.4 } } })
    expect(!refused.ok && refused.error.message).toContain('These 8 runs would cost about $2.40 on ComfyDeploy')
    expect((await spend.authorize({ provider: 'comfydeploy', deploymentId: 'cd-1', count: 8, confirmUsd: 2.39 })).ok).toBe(false)
    const passed = await spend.authorize({ provider: 'comfydeploy', deploymentId: 'cd-1', count: 8, confirmUsd: 2.4 })
    expect(passed.ok && passed.value.perRunUsd).toBeCloseTo(0.3)
  })

  it('holds at a hard stop whatever was confirmed, counting runs under way and submits being sent', async () => {
    budgets.comfydeploy = { monthlyUsd: 1, confirmAboveUsd: 5, hardStop: true }
    pastRun('comfydeploy', 'cd-1', 0.4, 400)
    // One run under way, estimated at $0.40 when sent: counted until its cost is known.
    ledger.create({ id: 'r_live' as RunId, provider: 'comfydeploy', deploymentId: 'cd-1', deploymentName: 'D', inputs: {}, hookToken: 'tl', webhookBase: null, estimateUsd: 0.4, now: NOW })
    const first = await spend.authorize({ provider: 'comfydeploy', deploymentId: 'cd-1', count: 1 })
    expect(first.ok).toBe(false) // 0.4 spent + 0.4 under way + 0.4 asks for more than $1
    expect(!first.ok && first.error).toMatchObject({ code: 'BUDGET_EXCEEDED', details: { estimateUsd: 0.4 } })
    expect((await spend.authorize({ provider: 'comfydeploy', deploymentId: 'cd-1', count: 1, confirmUsd: 100 })).ok).toBe(false)
    // A larger budget leaves room for one more run.
    budgets.comfydeploy = { monthlyUsd: 1.5, confirmAboveUsd: 5, hardStop: true }
    const held = await spend.authorize({ provider: 'comfydeploy', deploymentId: 'cd-1', count: 1 })
    expect(held.ok).toBe(true)
    // While that submit is being sent its estimate is held: a second one racing it is refused.
    expect((await spend.authorize({ provider: 'comfydeploy', deploymentId: 'cd-1', count: 1 })).ok).toBe(false)
    if (held.ok) held.value.release()
    expect((await spend.authorize({ provider: 'comfydeploy', deploymentId: 'cd-1', count: 1 })).ok).toBe(true)
  })

  it('alerts once at 80 % of a budget and once past it', () => {
    budgets.comfydeploy = { monthlyUsd: 1, confirmAboveUsd: 1, hardStop: false }
    const alerts: CourierEvent[] = []
    hub.subscribe((event) => void (event.type === 'spend.budget' && alerts.push(event)))
    pastRun('comfydeploy', 'cd-1', 0.5, 1)
    spend.afterCost('comfydeploy')
    pastRun('comfydeploy', 'cd-1', 0.35, 1)
    spend.afterCost('comfydeploy')
    spend.afterCost('comfydeploy')
    pastRun('comfydeploy', 'cd-1', 0.35, 1)
    spend.afterCost('comfydeploy')
    expect(alerts.map((event) => event.type === 'spend.budget' && event.alert.level)).toEqual(['warning', 'over'])
  })

  it('groups runs by day, week, month, deployment and provider, with failed runs counted', () => {
    pastRun('comfydeploy', 'cd-1', 0.1, 100, 0)
    pastRun('comfydeploy', 'cd-1', 0.2, 200, 0, 'failed')
    pastRun('runcomfy', 'rc-1', 0.5, 500, 1)
    pastRun('demo', 'demo-1', 0, 30, 1)
    pastRun('comfydeploy', 'cd-1', 9, 9000, 40) // before the range
    const range = { from: new Date(2026, 11, 1).getTime(), to: NOW + 1 }
    const byDay = spend.summary({ ...range, groupBy: 'day' })
    expect(byDay.ok && byDay.value).toEqual([
      { key: '2026-12-05', runs: 2, gpuSeconds: 530, estimatedUsd: 0.5, actualUsd: null },
      { key: '2026-12-06', runs: 2, gpuSeconds: 300, estimatedUsd: 0.3, actualUsd: null },
    ])
    const byDeployment = spend.summary({ ...range, groupBy: 'deployment' })
    expect(byDeployment.ok && byDeployment.value.map((row) => [row.key, row.runs, row.estimatedUsd, row.actualUsd])).toEqual([
      ['comfydeploy/cd-1', 2, 0.3, null],
      ['demo/demo-1', 1, 0, 0],
      ['runcomfy/rc-1', 1, 0.5, null],
    ])
    const byMonth = spend.summary({ from: '2026-10-01', to: '2026-12-31', groupBy: 'month' })
    expect(byMonth.ok && byMonth.value.map((row) => [row.key, row.runs])).toEqual([
      ['2026-10', 1],
      ['2026-12', 4],
    ])
    expect(spend.summary({ from: NOW, to: NOW - 1, groupBy: 'day' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } })
  })

  it('puts the services’ own figures beside the estimates: ComfyDeploy’s usage by day, RunComfy’s balance drops', async () => {
    pastRun('comfydeploy', 'cd-1', 0.1, 100, 0)
    pastRun('runcomfy', 'rc-1', 0.5, 500, 0)
    const today = '2026-12-06'
    clients.set('comfydeploy', client('comfydeploy', { accountUsage: async () => ({ totalUsd: 0.42, days: [{ day: today, usd: 0.12 }, { day: '2026-12-02', usd: 0.3 }] }) }))
    let balance = 100
    clients.set('runcomfy', client('runcomfy', { balance: async () => balance }))
    await spend.refresh()
    balance = 99.4
    await spend.refresh()
    const byProvider = spend.summary({ from: '2026-12-01', to: today, groupBy: 'provider' })
    expect(byProvider.ok && byProvider.value).toEqual([
      { key: 'comfydeploy', runs: 1, gpuSeconds: 100, estimatedUsd: 0.1, actualUsd: 0.42 },
      { key: 'runcomfy', runs: 1, gpuSeconds: 500, estimatedUsd: 0.5, actualUsd: 0.6 },
    ])
    // A day another client spent on (no run of ours) still shows, with its actual figure.
    const byDay = spend.summary({ from: '2026-12-01', to: today, groupBy: 'day' })
    expect(byDay.ok && byDay.value.find((row) => row.key === '2026-12-02')).toEqual({ key: '2026-12-02', runs: 0, gpuSeconds: 0, estimatedUsd: 0, actualUsd: 0.3 })
    const overview = spend.overview()
    expect(overview.accounts.find((account) => account.provider === 'runcomfy')).toMatchObject({ source: 'balance', balanceUsd: 99.4, message: null })
    expect(overview.deploymentNames['runcomfy/rc-1']).toBe('Deployment rc-1')
  })

  it('says why an account figure is missing', async () => {
    clients.set('comfydeploy', client('comfydeploy', { accountUsage: async () => Promise.reject(new Error('401 Unauthorized')) }))
    clients.delete('runcomfy')
    const overview = await spend.refresh()
    expect(overview.accounts).toEqual([
      { provider: 'comfydeploy', source: 'usage', readAt: null, balanceUsd: null, message: '401 Unauthorized' },
      { provider: 'runcomfy', source: 'balance', readAt: null, balanceUsd: null, message: 'No API key: the account cannot be read.' },
    ])
  })
})
