import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'
import { spendCsv } from './spend-csv'

// jsdom has no canvas: the charts are stood in for by what they were given (the data chart.js would draw).
vi.mock('react-chartjs-2', () => {
  const Stand = (props: { data: { labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> }; 'aria-label'?: string }) => (
    <canvas
      role="img"
      aria-label={props['aria-label']}
      data-labels={JSON.stringify(props.data.labels)}
      data-datasets={JSON.stringify(props.data.datasets.map((d) => ({ label: d.label, data: d.data })))}
    />
  )
  return { Bar: Stand, Chart: Stand }
})

const at = (day: number, hour = 12) => new Date(2026, 11, day, hour).getTime()

/** December 2026 on two paid services and the Demo, with the services' own figures for one day and ComfyDeploy. */
function decemberFake(): FakeCourier {
  const fake = new FakeCourier().configure('comfydeploy').configure('runcomfy')
  fake.spendEntries.push(
    { provider: 'comfydeploy', deploymentId: 'cd-sdxl', createdAt: at(2), gpuSeconds: 120, estimatedUsd: 0.04 },
    { provider: 'comfydeploy', deploymentId: 'cd-sdxl', createdAt: at(5), gpuSeconds: 300, estimatedUsd: 0.1 },
    { provider: 'runcomfy', deploymentId: 'rc-img2vid', createdAt: at(5, 15), gpuSeconds: 600, estimatedUsd: 0.5 },
    { provider: 'demo', deploymentId: 'txt2img', createdAt: at(3), gpuSeconds: 30, estimatedUsd: 0.01 },
    // November: outside the month shown.
    { provider: 'comfydeploy', deploymentId: 'cd-sdxl', createdAt: new Date(2026, 10, 28).getTime(), gpuSeconds: 100, estimatedUsd: 9 },
  )
  fake.spendActuals = { '2026-12-05': 0.72, comfydeploy: 0.17 }
  fake.deploymentNames = { ...fake.deploymentNames, 'comfydeploy/cd-sdxl': 'Dreamscape SDXL' }
  fake.settings = { ...fake.settings, budgets: { ...fake.settings.budgets, comfydeploy: { monthlyUsd: 0.16, confirmAboveUsd: 1, hardStop: false } } }
  fake.spendAccounts = [
    { provider: 'comfydeploy', source: 'usage', readAt: null, balanceUsd: null, message: null },
    { provider: 'runcomfy', source: 'balance', readAt: at(6, 9), balanceUsd: 42.5, message: null },
  ]
  return fake
}

async function openDecember(fake: FakeCourier) {
  const app = await renderApp(fake)
  act(() => app.store.getState().nav.go('spend'))
  await screen.findByRole('heading', { name: 'Spend', level: 1 })
  fireEvent.change(screen.getByLabelText('Month'), { target: { value: '2026-12' } })
  await waitFor(() => expect(app.store.getState().spend.report?.range.slug).toBe('2026-12'))
  return app
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('Spend view', () => {
  it('shows a month on two services and the Demo: totals, charts, tables, budgets and account figures', async () => {
    const fake = decemberFake()
    await openDecember(fake)
    expect(window.location.hash).toBe('#/spend')
    const byProvider = await screen.findByRole('table', { name: 'By provider' })
    const row = (key: string) => byProvider.querySelector<HTMLElement>(`[data-spend-key="${key}"]`)
    expect(row('comfydeploy')?.textContent).toContain('ComfyDeploy')
    expect([...(row('comfydeploy')?.querySelectorAll('td') ?? [])].map((td) => td.textContent)).toEqual(['2', '420 GPU-s', '$0.14', '$0.17', '+$0.03'])
    expect(row('runcomfy')?.textContent).toContain('$0.50')
    expect(row('demo')?.textContent).toContain('simulated prices · free')
    const byDeployment = screen.getByRole('table', { name: 'By deployment' })
    expect(byDeployment.querySelector('[data-spend-key="comfydeploy/cd-sdxl"] th')?.textContent).toContain('Dreamscape SDXL')
    expect(byDeployment.querySelector('[data-spend-key="runcomfy/rc-img2vid"] th')?.textContent).toContain('Image to video')

    // The stacked bars: one series per provider, a bar per day of December; the actual line has the one day the service reported.
    // The charts' module loads on its own (lazily): the first time may take a moment.
    const charts = await screen.findAllByRole('img', {}, { timeout: 15_000 })
    const stacked = charts.find((c) => c.getAttribute('aria-label')?.startsWith('Estimated spend per day by provider'))
    const datasets = JSON.parse(stacked?.getAttribute('data-datasets') ?? '[]') as Array<{ label: string; data: number[] }>
    expect(datasets.map((d) => d.label)).toEqual(['ComfyDeploy', 'Demo (simulated, free)', 'RunComfy'])
    expect(JSON.parse(stacked?.getAttribute('data-labels') ?? '[]')).toHaveLength(31)
    expect(datasets[0]?.data[4]).toBeCloseTo(0.1)
    const versus = charts.find((c) => c.getAttribute('aria-label')?.startsWith('Estimated against actual'))
    const actual = (JSON.parse(versus?.getAttribute('data-datasets') ?? '[]') as Array<{ data: Array<number | null> }>)[1]?.data
    expect(actual?.[4]).toBe(0.72)
    expect(actual?.[1]).toBeNull()

    // ComfyDeploy is past its $0.16 budget? $0.14 of it: 88 %, a warning.
    const card = document.querySelector<HTMLElement>('.budget-card[data-provider-id="comfydeploy"]')
    expect(card?.dataset.budgetState).toBe('warning')
    expect(within(card as HTMLElement).getByRole('meter', { name: 'ComfyDeploy budget used' }).getAttribute('aria-valuenow')).toBe('88')
    const accounts = screen.getByRole('region', { name: 'Account figures' })
    expect(accounts.textContent).toContain('Balance: $42.50')
    expect(accounts.textContent).toContain('Not read yet')
    expect(screen.getByRole('region', { name: 'Why the estimate and the bill differ' }).textContent).toContain('keep-warm')
  })

  it('groups by week and month on request', async () => {
    const fake = decemberFake()
    const { store } = await openDecember(fake)
    fireEvent.click(screen.getByRole('button', { name: 'Week' }))
    await waitFor(() => expect(store.getState().spend.report?.groupBy).toBe('week'))
    const byWeek = await screen.findByRole('table', { name: 'By week' })
    expect([...byWeek.querySelectorAll('tbody th')].map((th) => th.textContent)).toEqual(['W49 (Dec 1)'])
    expect(fake.callsTo('spend.summary').some((a) => a.groupBy === 'week')).toBe(true)
  })

  it('exports the range as CSV with the provider and deployment breakdown, named by the month', async () => {
    const fake = decemberFake()
    const { store } = await openDecember(fake)
    let saved: Blob | null = null
    const createObjectURL = vi.fn((blob: Blob) => {
      saved = blob
      return 'blob:spend'
    })
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() })
    let fileName = ''
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      fileName = this.download
    })
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }))
    expect(fileName).toBe('comfy-courier-spend-2026-12.csv')
    expect(saved).not.toBeNull()
    // jsdom's Blob has no text(): read it as a page would.
    const text = await new Promise<string>((resolve) => {
      const reader = new FileReader()
      reader.onload = () => resolve(String(reader.result))
      reader.readAsText(saved as unknown as Blob)
    })
    const report = store.getState().spend.report
    if (report === null) throw new Error('no report')
    const csv = spendCsv(report, fake.deploymentNames)
    expect(text.replace(/^\ufeff/, '')).toBe(csv)
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toBe('level,period,provider,deployment_id,deployment,runs,gpu_seconds,estimated_usd,actual_usd,note')
    expect(lines).toContain('day,2026-12-05,all,,,2,900,0.6,0.72,actual from the service’s account figures')
    expect(lines).toContain('day-provider,2026-12-05,RunComfy,,,1,600,0.5,,')
    expect(lines).toContain('day-provider,2026-12-03,Demo,,,1,30,0.01,,simulated prices · free')
    expect(lines).toContain('provider,2026-12,ComfyDeploy,,,2,420,0.14,0.17,actual from the service’s account figures')
    expect(lines).toContain('deployment,2026-12,ComfyDeploy,cd-sdxl,Dreamscape SDXL,2,420,0.14,,')
    // November's run is not in December.
    expect(csv).not.toContain('2026-11')
  })

  it('reads the account figures again with Refresh', async () => {
    const fake = decemberFake()
    await openDecember(fake)
    const refresh = screen.getByRole('button', { name: 'Refresh' })
    fireEvent.click(refresh)
    await waitFor(() => expect(fake.spendRefreshes).toBe(1))
    await waitFor(() => expect(document.querySelector('.account[data-provider-id="comfydeploy"]')?.getAttribute('data-read-at')).toBe(String(fake.spendNow)))
  })

  it('reads the figures again when a run is priced while it is open', async () => {
    const fake = decemberFake()
    await openDecember(fake)
    await screen.findByRole('table', { name: 'By provider' })
    const before = fake.callsTo('spend.overview').length
    const run = fake.seedRun({ prompt: 'late' }, { provider: 'comfydeploy', cost: { usd: 0.02, gpuSeconds: 60, estimated: true, gpu: 'A10G' } })
    act(() => fake.emit({ type: 'run.updated', run }))
    await waitFor(() => expect(fake.callsTo('spend.overview').length).toBeGreaterThan(before), { timeout: 5000 })
  })

  it('says so when the range has no runs, and offers Generate', async () => {
    const fake = new FakeCourier()
    const { store } = await renderApp(fake)
    act(() => store.getState().nav.go('spend'))
    fireEvent.change(await screen.findByLabelText('Month'), { target: { value: '2026-12' } })
    expect(await screen.findByText('No runs in December 2026')).toBeTruthy()
    expect((screen.getByRole('button', { name: 'Export CSV' }) as HTMLButtonElement).disabled).toBe(true)
    fireEvent.click(screen.getByRole('button', { name: 'Open Generate' }))
    expect(store.getState().nav.view).toBe('generate')
  })
})

describe('budget alerts', () => {
  it('a provider at 80 % of its budget: an amber toast with the way to Spend; over it: a red one', async () => {
    const fake = decemberFake()
    const { store } = await renderApp(fake)
    act(() => fake.emit({ type: 'spend.budget', alert: { provider: 'comfydeploy', level: 'warning', monthUsd: 8.2, monthlyUsd: 10 } }))
    const toast = await waitFor(() => {
      const el = document.querySelector<HTMLElement>('[data-toast-tone="warning"]')
      if (el === null) throw new Error('no warning toast')
      return el
    })
    expect(toast.textContent).toContain('ComfyDeploy has used 82 % of its monthly budget: $8.20 of $10.00')
    fireEvent.click(within(toast).getByRole('button', { name: 'Open Spend' }))
    expect(store.getState().nav.view).toBe('spend')
    act(() => fake.emit({ type: 'spend.budget', alert: { provider: 'runcomfy', level: 'over', monthUsd: 10.5, monthlyUsd: 10 } }))
    await waitFor(() => expect(document.querySelector('[data-toast-tone="error"]')?.textContent).toContain('RunComfy is over its monthly budget: $10.50 spent of $10.00'))
  })
})

describe('Settings → Budgets', () => {
  it('explains what is wrong before saving, then saves each budget, the plan and a tier with settings.update', async () => {
    const fake = new FakeCourier().configure('runcomfy')
    fake.deployments = fake.deployments.map((d) => (d.provider === 'runcomfy' ? { ...d, hardware: 'AMPERE_48' } : d))
    const { store } = await renderApp(fake)
    act(() => store.getState().nav.go('settings'))
    const section = await screen.findByRole('region', { name: 'Budgets' })
    const s = within(section)
    fireEvent.change(s.getByLabelText('ComfyDeploy Monthly budget ($)'), { target: { value: 'lots' } })
    fireEvent.change(s.getByLabelText('RunComfy Confirm above ($)'), { target: { value: '' } })
    fireEvent.click(s.getByLabelText('RunComfy Hard stop'))
    fireEvent.click(s.getByRole('button', { name: 'Apply budgets' }))
    expect(await s.findByText(/Type the ComfyDeploy budget in dollars, above 0/)).toBeTruthy()
    expect(s.getByText(/Type an amount in dollars: 1 asks before anything over \$1/)).toBeTruthy()
    expect(s.getByText(/A hard stop needs a monthly budget to stop at/)).toBeTruthy()
    expect(document.activeElement).toBe(s.getByLabelText('ComfyDeploy Monthly budget ($)'))
    expect(fake.callsTo('settings.update')).toHaveLength(0)

    fireEvent.change(s.getByLabelText('ComfyDeploy Monthly budget ($)'), { target: { value: '$50' } })
    fireEvent.change(s.getByLabelText('RunComfy Confirm above ($)'), { target: { value: '2.5' } })
    fireEvent.change(s.getByLabelText('RunComfy Monthly budget ($)'), { target: { value: '20' } })
    fireEvent.change(s.getByLabelText('RunComfy plan'), { target: { value: 'pro' } })
    // The tiers: listed on request (a call to the service), each deployment with its hardware.
    const tiers = section.querySelector('details.tiers') as HTMLDetailsElement
    tiers.open = true
    fireEvent(tiers, new Event('toggle'))
    const tier = (await s.findByLabelText('Tier of Image to video')) as HTMLSelectElement
    expect(tier.closest('tr')?.textContent).toContain('AMPERE_48')
    fireEvent.change(tier, { target: { value: 'X-Large' } })
    fireEvent.click(s.getByRole('button', { name: 'Apply budgets' }))
    await waitFor(() => expect(fake.callsTo('settings.update')).toHaveLength(1))
    expect(fake.callsTo('settings.update')[0]).toEqual({
      budgets: {
        comfydeploy: { monthlyUsd: 50, confirmAboveUsd: 1, hardStop: false },
        runcomfy: { monthlyUsd: 20, confirmAboveUsd: 2.5, hardStop: true },
      },
      runcomfyPlan: 'pro',
      runcomfyTiers: { 'rc-img2vid': 'X-Large' },
    })
    expect(await s.findByText('Budgets saved: they apply to the next submit.')).toBeTruthy()
    expect(fake.settings.runcomfyPricing).toEqual({ plan: 'pro', tiers: { 'rc-img2vid': 'X-Large' } })
  })
})
