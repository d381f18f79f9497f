import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Deployment } from '@shared/deployment'
import { demoDeployment, FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

/** A ComfyDeploy deployment with a seed, so Generate can make a batch of it. */
const paidDeployment: Deployment = { ...demoDeployment, id: 'cd-sdxl', name: 'Dreamscape SDXL', provider: 'comfydeploy', hardware: 'A10G' }

/** A fake with ComfyDeploy connected and chosen in Generate (a budget of $10, asking above $0.10). */
async function paidApp() {
  const fake = new FakeCourier().configure('comfydeploy')
  fake.deployments.push(paidDeployment)
  fake.settings = { ...fake.settings, budgets: { ...fake.settings.budgets, comfydeploy: { monthlyUsd: 10, confirmAboveUsd: 0.1, hardStop: false } } }
  fake.estimatePerRunUsd = 0.05
  fake.spendEntries.push({ provider: 'comfydeploy', deploymentId: 'cd-sdxl', createdAt: fake.spendNow - 3_600_000, gpuSeconds: 4000, estimatedUsd: 2.5 })
  const app = await renderApp(fake)
  await act(async () => {
    await app.store.getState().generate.selectProvider('comfydeploy')
  })
  await waitFor(() => expect(app.store.getState().generate.deploymentId).toBe('cd-sdxl'))
  return app
}

describe('the spend check on every submit', () => {
  it('asks before a batch main wants confirmed, naming the estimate, the month so far and the budget; Confirm re-sends with confirmUsd', async () => {
    const { fake } = await paidApp()
    fireEvent.change(await screen.findByLabelText('Variations'), { target: { value: '8' } })
    // The estimate before the click: amber, saying it will ask.
    const estimate = await waitFor(() => {
      const el = document.querySelector<HTMLElement>('.estimate[data-verdict="confirm"]')
      if (el === null) throw new Error('no confirm estimate yet')
      return el
    })
    expect(estimate.textContent).toContain('≈ $0.40 for 8 runs')
    expect(estimate.textContent).toContain('median of 12 runs × A10G')
    expect(estimate.textContent).toContain('Asks first')

    fireEvent.click(screen.getByRole('button', { name: 'Generate' }))
    const dialog = await screen.findByRole('alertdialog', { name: 'Spend ≈ $0.40?' })
    expect(dialog.textContent).toContain('Generate 8 runs of Dreamscape SDXL on ComfyDeploy is estimated at $0.40.')
    expect(within(dialog).getByText('ComfyDeploy this month so far').nextElementSibling?.textContent).toBe('$2.50')
    expect(within(dialog).getByText('Monthly budget').nextElementSibling?.textContent).toBe('$10.00')
    expect(fake.callsTo('runs.submitBatch')).toHaveLength(1)
    expect(fake.callsTo('runs.submitBatch')[0]).not.toHaveProperty('confirmUsd')

    fireEvent.click(within(dialog).getByRole('button', { name: 'Spend ≈ $0.40' }))
    await waitFor(() => expect(fake.callsTo('runs.submitBatch')).toHaveLength(2))
    expect(fake.callsTo('runs.submitBatch')[1]).toMatchObject({ provider: 'comfydeploy', deploymentId: 'cd-sdxl', count: 8, confirmUsd: 0.4 })
    await waitFor(() => expect([...fake.runs.values()].filter((r) => r.provider === 'comfydeploy')).toHaveLength(8))
    expect(screen.queryByRole('alertdialog')).toBeNull()
  })

  it('a refusal asking for confirmation, then an ok: the second call carries confirmUsd = the refusal’s estimate', async () => {
    const { fake } = await paidApp()
    fake.failNext('runs.submit', { code: 'SPEND_CONFIRMATION_REQUIRED', message: 'This run is estimated at $1.50.', details: { estimateUsd: 1.5 } })
    fireEvent.click(await screen.findByRole('button', { name: 'Generate' }))
    const dialog = await screen.findByRole('alertdialog', { name: 'Spend ≈ $1.50?' })
    // The safe choice has the focus first.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }))
    fireEvent.click(within(dialog).getByRole('button', { name: 'Spend ≈ $1.50' }))
    await waitFor(() => expect(fake.callsTo('runs.submit')).toHaveLength(2))
    expect(fake.callsTo('runs.submit')[0]?.confirmUsd).toBeUndefined()
    expect(fake.callsTo('runs.submit')[1]?.confirmUsd).toBe(1.5)
    await waitFor(() => expect([...fake.runs.values()].some((r) => r.provider === 'comfydeploy')).toBe(true))
  })

  it('Cancel sends nothing more and says nothing went wrong', async () => {
    const { fake } = await paidApp()
    fake.failNext('runs.submit', { code: 'SPEND_CONFIRMATION_REQUIRED', message: 'This run is estimated at $1.50.', details: { estimateUsd: 1.5 } })
    fireEvent.click(await screen.findByRole('button', { name: 'Generate' }))
    const dialog = await screen.findByRole('alertdialog')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull())
    expect(fake.callsTo('runs.submit')).toHaveLength(1)
    expect(document.querySelector('[data-toast-tone="error"]')).toBeNull()
    await waitFor(() => expect((screen.getByRole('button', { name: 'Generate' }) as HTMLButtonElement).disabled).toBe(false))
  })

  it('a hard stop is a refusal with the way to the budgets, nothing to confirm', async () => {
    const { fake, store } = await paidApp()
    fake.settings = { ...fake.settings, budgets: { ...fake.settings.budgets, comfydeploy: { monthlyUsd: 2, confirmAboveUsd: 1, hardStop: true } } }
    fireEvent.click(await screen.findByRole('button', { name: 'Generate' }))
    const toast = await waitFor(() => {
      const el = document.querySelector<HTMLElement>('[data-toast-tone="error"]')
      if (el === null) throw new Error('no toast yet')
      return el
    })
    expect(toast.textContent).toContain('the budget has a hard stop')
    expect(screen.queryByRole('alertdialog')).toBeNull()
    expect(fake.callsTo('runs.submit')).toHaveLength(1)
    fireEvent.click(within(toast).getByRole('button', { name: 'Open budgets' }))
    await waitFor(() => expect(store.getState().nav.view).toBe('settings'))
    expect(await screen.findByRole('heading', { name: 'Budgets' })).toBeTruthy()
  })

  it('a re-run goes through the same question', async () => {
    const { fake, store } = await paidApp()
    const run = fake.seedRun({ prompt: 'a fox', seed: 3 }, { provider: 'comfydeploy', deploymentId: 'cd-sdxl', deploymentName: 'Dreamscape SDXL' })
    fake.failNext('runs.rerun', { code: 'SPEND_CONFIRMATION_REQUIRED', message: 'This run is estimated at $1.20.', details: { estimateUsd: 1.2 } })
    let answer: Promise<unknown> = Promise.resolve()
    act(() => {
      answer = store.getState().runs.rerun(run.id, 'new')
    })
    const dialog = await screen.findByRole('alertdialog', { name: 'Spend ≈ $1.20?' })
    expect(dialog.textContent).toContain('Re-run Dreamscape SDXL with a new seed')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Spend ≈ $1.20' }))
    await act(async () => {
      await answer
    })
    expect(fake.callsTo('runs.rerun').map((a) => a.confirmUsd)).toEqual([undefined, 1.2])
  })
})

describe('run costs', () => {
  it('shows each run’s cost with the est. marker, the Demo as free, and a batch’s sum', async () => {
    const fake = new FakeCourier().configure('comfydeploy')
    fake.seedRun({ prompt: 'a paid one' }, { provider: 'comfydeploy', status: 'failed', cost: { usd: 0.014, gpuSeconds: 42, estimated: true, gpu: 'A10G' } })
    fake.seedRun({ prompt: 'a demo one' })
    fake.seedRun({ prompt: 'b1', seed: 1 }, { provider: 'comfydeploy', batchId: 'b_9', cost: { usd: 0.02, gpuSeconds: 60, estimated: true, gpu: 'A10G' } })
    fake.seedRun({ prompt: 'b1', seed: 2 }, { provider: 'comfydeploy', batchId: 'b_9', cost: { usd: 0.03, gpuSeconds: 90, estimated: true, gpu: 'A10G' } })
    const { store } = await renderApp(fake)
    act(() => store.getState().nav.go('runs'))
    const failed = await waitFor(() => {
      const el = document.querySelector<HTMLElement>('.run[data-run-status="failed"]')
      if (el === null) throw new Error('no failed run row')
      return el
    })
    expect(failed.querySelector('.cost')?.textContent).toContain('$0.014 · 42 GPU-s')
    expect(failed.querySelector('abbr.cost__est')?.getAttribute('title')).toContain('cold start and keep-warm')
    const demo = [...document.querySelectorAll<HTMLElement>('.run')].find((el) => el.textContent?.includes('a demo one'))
    expect(demo?.querySelector('.cost')?.textContent).toBe('Free (Demo)')
    const batch = document.querySelector<HTMLElement>('[data-batch-id="b_9"]')
    expect(batch?.querySelector('[data-batch-cost]')?.textContent).toContain('$0.05 · 150 GPU-s')
  })
})
