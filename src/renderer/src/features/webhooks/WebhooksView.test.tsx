import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'
import { WEBHOOKS_PAGE } from '../../store/webhooks'
import { prettyBody } from './WebhooksView'

const openWebhooks = async () => {
  fireEvent.click(screen.getByRole('link', { name: 'Webhooks' }))
  await screen.findByRole('heading', { name: 'Webhooks', level: 1 })
}

const rows = () => [...document.querySelectorAll<HTMLElement>('tr[data-webhook-id]')]
const shownIds = () => rows().map((r) => Number(r.dataset.webhookId))
const detail = () => screen.getByRole('complementary', { name: /^Webhook #/ })
const outcomeChip = (name: RegExp) => within(screen.getByRole('group', { name: 'Outcome' })).getByRole('button', { name })

/** Three runs' worth of webhooks from two providers, with every outcome; ids 1–6, newest (6) first. */
function seeded() {
  const fake = new FakeCourier()
  const a = fake.seedRun({ prompt: 'a' })
  const b = fake.seedRun({ prompt: 'b' })
  fake.receiveWebhook({ runId: a.id, status: 'running', outcome: 'applied', reason: 'now running' })
  fake.receiveWebhook({ runId: a.id, status: 'running', outcome: 'duplicate', reason: 'nothing new' })
  fake.receiveWebhook({ provider: 'runcomfy', runId: b.id, status: 'Running', outcome: 'applied', reason: 'now running', body: '{"status":"Running","live_status":"Executing KSampler"}' })
  fake.receiveWebhook({ runId: null, status: null, outcome: 'rejected', reason: 'unknown run (no run has this webhook token)', body: 'not json at all', headers: {} })
  fake.receiveWebhook({ runId: a.id, status: 'success', outcome: 'applied', reason: 'success reported: confirming with the provider' })
  fake.receiveWebhook({ runId: a.id, status: 'success', outcome: 'stale', reason: 'run already succeeded' })
  return { fake, a, b }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('Webhooks', () => {
  it('explains where webhooks come from when there are none', async () => {
    await renderApp()
    await openWebhooks()
    expect(await screen.findByText('No webhooks received yet.')).toBeTruthy()
    expect(screen.getByText(/calls Comfy Courier back through it/)).toBeTruthy()
  })

  it('lists every webhook with time, provider, run, status, outcome and reason, and counts the outcomes', async () => {
    const { fake, a } = seeded()
    await renderApp(fake)
    await openWebhooks()
    await waitFor(() => expect(shownIds()).toEqual([6, 5, 4, 3, 2, 1]))
    const stale = rows()[0] as HTMLElement
    expect(stale.dataset.outcome).toBe('stale')
    expect(within(stale).getByText('stale')).toBeTruthy()
    expect(within(stale).getByText('run already succeeded')).toBeTruthy()
    expect(within(stale).getByText('ComfyDeploy')).toBeTruthy()
    expect(within(stale).getByText('success')).toBeTruthy()
    expect(within(stale).getByRole('button', { name: `Only run ${a.id}` })).toBeTruthy()
    expect(within(stale).getByRole('button', { name: /^Webhook #6 at / }).querySelector('time')).toBeTruthy()
    expect(within(rows()[3] as HTMLElement).getByText('RunComfy')).toBeTruthy()
    expect(fake.callsTo('webhooks.list')).toEqual([{ limit: WEBHOOKS_PAGE }])

    expect(outcomeChip(/^All/).getAttribute('aria-pressed')).toBe('true')
    expect(outcomeChip(/^Applied/).textContent).toBe('Applied3')
    expect(outcomeChip(/^Duplicate/).textContent).toBe('Duplicate1')
    expect(outcomeChip(/^Stale/).textContent).toBe('Stale1')
    expect(outcomeChip(/^Rejected/).textContent).toBe('Rejected1')
    expect(screen.getByText(/6 webhooks shown/)).toBeTruthy()
  })

  it('filters by outcome and provider at once, and clears the filters', async () => {
    const { fake } = seeded()
    await renderApp(fake)
    await openWebhooks()
    await waitFor(() => expect(rows()).toHaveLength(6))

    fireEvent.click(outcomeChip(/^Applied/))
    await waitFor(() => expect(shownIds()).toEqual([5, 3, 1]))
    expect(fake.callsTo('webhooks.list').at(-1)).toEqual({ outcome: 'applied', limit: WEBHOOKS_PAGE })
    expect(outcomeChip(/^Applied/).getAttribute('aria-pressed')).toBe('true')
    expect(outcomeChip(/^Applied/).textContent).toBe('Applied3')
    expect(outcomeChip(/^Stale/).textContent).toBe('Stale') // unknown while only applied ones are loaded

    fireEvent.change(screen.getByRole('combobox', { name: 'Filter by provider' }), { target: { value: 'runcomfy' } })
    await waitFor(() => expect(shownIds()).toEqual([3]))
    expect(fake.callsTo('webhooks.list').at(-1)).toEqual({ provider: 'runcomfy', outcome: 'applied', limit: WEBHOOKS_PAGE })

    fireEvent.click(outcomeChip(/^Applied/)) // pressed again: any outcome
    await waitFor(() => expect(fake.callsTo('webhooks.list').at(-1)).toEqual({ provider: 'runcomfy', limit: WEBHOOKS_PAGE }))

    fireEvent.change(screen.getByRole('combobox', { name: 'Filter by provider' }), { target: { value: 'demo' } })
    expect(await screen.findByText('No webhooks match these filters.')).toBeTruthy()
    fireEvent.click(within(screen.getByText('No webhooks match these filters.').parentElement as HTMLElement).getByRole('button', { name: 'Clear filters' }))
    await waitFor(() => expect(rows()).toHaveLength(6))
    expect(fake.callsTo('webhooks.list').at(-1)).toEqual({ limit: WEBHOOKS_PAGE })
    expect((screen.getByRole('combobox', { name: 'Filter by provider' }) as HTMLSelectElement).value).toBe('')
  })

  it('searches text in the body or reason after a pause in typing, and a run id by run', async () => {
    const { fake, a } = seeded()
    const { store } = await renderApp(fake)
    await openWebhooks()
    await waitFor(() => expect(rows()).toHaveLength(6))
    const box = screen.getByRole('searchbox', { name: 'Search webhooks' })

    fireEvent.change(box, { target: { value: 'k' } })
    fireEvent.change(box, { target: { value: 'ksam' } })
    fireEvent.change(box, { target: { value: 'KSampler' } })
    expect(fake.callsTo('webhooks.list')).toHaveLength(1) // nothing asked while typing
    await waitFor(() => expect(shownIds()).toEqual([3]))
    expect(fake.callsTo('webhooks.list').slice(1)).toEqual([{ text: 'KSampler', limit: WEBHOOKS_PAGE }])

    fireEvent.change(box, { target: { value: 'no run has' } })
    await waitFor(() => expect(shownIds()).toEqual([4]))

    fireEvent.change(box, { target: { value: ` ${a.id} ` } })
    await waitFor(() => expect(shownIds()).toEqual([6, 5, 2, 1]))
    expect(fake.callsTo('webhooks.list').at(-1)).toEqual({ runId: a.id, limit: WEBHOOKS_PAGE })
    expect(screen.getByText(new RegExp(`run ${a.id}`))).toBeTruthy()

    // A run in the list filters to that run; there is no way to open a single run in the Runs view.
    fireEvent.change(box, { target: { value: '' } })
    await waitFor(() => expect(rows()).toHaveLength(6))
    const runButton = within(rows()[3] as HTMLElement).getByRole('button', { name: /^Only run / })
    fireEvent.click(runButton)
    expect((box as HTMLInputElement).value).toBe(store.getState().webhooks.items[3]?.runId)
    await waitFor(() => expect(shownIds()).toEqual([3]))
  })

  it('prepends live webhooks only when they match the active filter', async () => {
    const { fake, a, b } = seeded()
    const { store } = await renderApp(fake)
    await openWebhooks()
    await waitFor(() => expect(rows()).toHaveLength(6))
    fireEvent.click(outcomeChip(/^Rejected/))
    await waitFor(() => expect(shownIds()).toEqual([4]))

    act(() => void fake.receiveWebhook({ runId: b.id, outcome: 'applied', reason: 'now running' }))
    expect(shownIds()).toEqual([4])
    act(() => void fake.receiveWebhook({ outcome: 'rejected', reason: 'malformed JSON', body: '{' }))
    expect(shownIds()).toEqual([8, 4])
    expect(rows()[0]?.dataset.outcome).toBe('rejected')

    fireEvent.click(outcomeChip(/^All/))
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search webhooks' }), { target: { value: a.id } })
    await waitFor(() => expect(shownIds()).toEqual([6, 5, 2, 1]))
    act(() => void fake.receiveWebhook({ runId: b.id, outcome: 'stale', reason: 'older than what we know' }))
    act(() => void fake.receiveWebhook({ runId: a.id, outcome: 'duplicate', reason: 'nothing new' }))
    expect(shownIds()).toEqual([10, 6, 5, 2, 1])
    expect(store.getState().webhooks.items.map((w) => w.id)).toEqual([10, 6, 5, 2, 1])
  })

  it('shows the selected webhook: kept headers, pretty JSON or the raw text, and copies the body', async () => {
    const { fake } = seeded()
    await renderApp(fake)
    await openWebhooks()
    await waitFor(() => expect(rows()).toHaveLength(6))
    expect(screen.getByText(/Select a webhook to see its headers and body/)).toBeTruthy()

    const writeText = vi.fn(async () => undefined)
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })

    fireEvent.click(within(rows()[0] as HTMLElement).getByText('run already succeeded'))
    expect(rows()[0]?.dataset.selected).toBe('true')
    expect(within(rows()[0] as HTMLElement).getByRole('button', { name: /^Webhook #6/ }).getAttribute('aria-pressed')).toBe('true')
    const pane = detail()
    expect(within(pane).getByRole('heading', { name: 'Webhook #6' })).toBeTruthy()
    expect(within(pane).getByText('stale: run already succeeded')).toBeTruthy()
    expect(within(pane).getByText('HTTP 200')).toBeTruthy()
    const headers = within(pane).getByLabelText('Headers')
    expect(within(headers).getByText('content-type')).toBeTruthy()
    expect(within(headers).getByText('application/json')).toBeTruthy()
    expect(within(headers).getByText('ComfyDeploy/1.0')).toBeTruthy()
    expect(within(pane).getByText('JSON')).toBeTruthy()
    expect(within(pane).getByLabelText('Body of webhook #6').textContent).toBe('{\n  "run_id": "abc",\n  "status": "running",\n  "progress": 0.5\n}')

    fireEvent.click(within(pane).getByRole('button', { name: 'Copy body' }))
    await waitFor(() => expect(within(pane).getByText('Copied.')).toBeTruthy())
    expect(writeText).toHaveBeenCalledWith('{"run_id":"abc","status":"running","progress":0.5}')

    // A body that is not JSON is shown as received; a rejected webhook without a run says so.
    fireEvent.click(within(rows()[2] as HTMLElement).getByRole('button', { name: /^Webhook #4/ }))
    const rejected = detail()
    expect(within(rejected).getByLabelText('Body of webhook #4').textContent).toBe('not json at all')
    expect(within(rejected).getByText('raw text')).toBeTruthy()
    expect(within(rejected).getByText('No headers kept.')).toBeTruthy()
    expect(within(rejected).getByText('none')).toBeTruthy()
    expect(within(rejected).queryByText('Copied.')).toBeNull()

    writeText.mockRejectedValueOnce(new Error('denied'))
    fireEvent.click(within(rejected).getByRole('button', { name: 'Copy body' }))
    expect(await within(rejected).findByText(/Could not copy/)).toBeTruthy()
  })

  it('moves the selection with the up and down keys', async () => {
    const { fake } = seeded()
    await renderApp(fake)
    await openWebhooks()
    await waitFor(() => expect(rows()).toHaveLength(6))
    const selectedId = () => rows().find((r) => r.dataset.selected === 'true')?.dataset.webhookId
    const table = screen.getByRole('table', { name: 'Received webhooks' })

    fireEvent.keyDown(table, { key: 'ArrowDown' })
    expect(selectedId()).toBe('6')
    const second = within(rows()[1] as HTMLElement).getByRole('button', { name: /^Webhook #5/ })
    fireEvent.keyDown(document.activeElement ?? table, { key: 'ArrowDown' })
    expect(selectedId()).toBe('5')
    expect(document.activeElement).toBe(second)
    fireEvent.keyDown(second, { key: 'ArrowDown' })
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowDown' })
    expect(selectedId()).toBe('3')
    expect(within(detail()).getByRole('heading', { name: 'Webhook #3' })).toBeTruthy()
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowUp' })
    expect(selectedId()).toBe('4')
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'End' })
    expect(selectedId()).toBe('1')
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowDown' })
    expect(selectedId()).toBe('1')
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'Home' })
    fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowUp' })
    expect(selectedId()).toBe('6')
  })

  it('replays the selected webhook and shows what the replay did, inline', async () => {
    const { fake } = seeded()
    await renderApp(fake)
    await openWebhooks()
    await waitFor(() => expect(rows()).toHaveLength(6))
    fireEvent.click(within(rows()[1] as HTMLElement).getByRole('button', { name: /^Webhook #5/ }))

    fake.hold('webhooks.replay')
    fireEvent.click(within(detail()).getByRole('button', { name: 'Replay' }))
    const busy = await within(detail()).findByRole('button', { name: 'Replaying…' })
    expect((busy as HTMLButtonElement).disabled).toBe(true)
    act(() => fake.release('webhooks.replay'))

    const result = await within(detail()).findByText('Replayed as #7:')
    expect(fake.callsTo('webhooks.replay')).toEqual([{ id: 5 }])
    const line = result.closest('[data-replay-outcome]') as HTMLElement
    expect(line.dataset.replayOutcome).toBe('duplicate')
    expect(within(line).getByText('already applied')).toBeTruthy()
    expect(shownIds()[0]).toBe(7)
    expect(screen.getByText('replay of #5')).toBeTruthy()

    fireEvent.click(within(line).getByRole('button', { name: 'Show #7' }))
    expect(within(detail()).getByRole('heading', { name: 'Webhook #7' })).toBeTruthy()
    expect(within(detail()).getByText('#5')).toBeTruthy() // "Replay of"

    // A replay main refuses is shown in the pane too.
    fake.failNext('webhooks.replay', { code: 'NOT_FOUND', message: 'no webhook 7' })
    fireEvent.click(within(detail()).getByRole('button', { name: 'Replay' }))
    const notice = await within(detail()).findByRole('alert')
    expect(notice.dataset.errorCode).toBe('NOT_FOUND')
  })

  it('loads older webhooks with the cursor, keeping the filter', async () => {
    const fake = new FakeCourier()
    for (let i = 0; i < WEBHOOKS_PAGE + 30; i++) fake.receiveWebhook({ outcome: i % 2 === 0 ? 'applied' : 'rejected', reason: `hook ${i + 1}` })
    await renderApp(fake)
    await openWebhooks()
    await waitFor(() => expect(rows()).toHaveLength(WEBHOOKS_PAGE))
    expect(screen.getByText(/older ones not loaded yet/)).toBeTruthy()

    fireEvent.click(screen.getByRole('button', { name: 'Load older' }))
    await waitFor(() => expect(rows()).toHaveLength(WEBHOOKS_PAGE + 30))
    expect(fake.callsTo('webhooks.list').at(-1)).toEqual({ beforeId: 31, limit: WEBHOOKS_PAGE })
    expect(shownIds().at(-1)).toBe(1)
    expect(screen.queryByRole('button', { name: 'Load older' })).toBeNull()

    fireEvent.click(outcomeChip(/^Rejected/))
    await waitFor(() => expect(rows()).toHaveLength((WEBHOOKS_PAGE + 30) / 2))
    expect(screen.queryByRole('button', { name: 'Load older' })).toBeNull()
    fireEvent.click(outcomeChip(/^Applied/))
    await waitFor(() => expect(rows().every((r) => r.dataset.outcome === 'applied')).toBe(true))
    expect(rows()).toHaveLength((WEBHOOKS_PAGE + 30) / 2)
    expect(fake.callsTo('webhooks.list').at(-1)).toEqual({ outcome: 'applied', limit: WEBHOOKS_PAGE })
  }, 20_000) // hundreds of rows rendered several times: slow in jsdom on a busy machine

  it('pages a filter past the first page', async () => {
    const fake = new FakeCourier()
    for (let i = 0; i < WEBHOOKS_PAGE + 5; i++) fake.receiveWebhook({ outcome: 'rejected', reason: `bad ${i + 1}` })
    fake.receiveWebhook({ outcome: 'applied' })
    await renderApp(fake)
    await openWebhooks()
    fireEvent.click(outcomeChip(/^Rejected/))
    await waitFor(() => expect(fake.callsTo('webhooks.list').at(-1)).toEqual({ outcome: 'rejected', limit: WEBHOOKS_PAGE }))
    await waitFor(() => expect(shownIds()[0]).toBe(WEBHOOKS_PAGE + 5))
    fireEvent.click(await screen.findByRole('button', { name: 'Load older' }))
    await waitFor(() => expect(rows()).toHaveLength(WEBHOOKS_PAGE + 5))
    expect(fake.callsTo('webhooks.list').at(-1)).toEqual({ outcome: 'rejected', beforeId: 6, limit: WEBHOOKS_PAGE })
    expect(rows().every((r) => r.dataset.outcome === 'rejected')).toBe(true)
  }, 20_000)

  it('shows a body that is not JSON as received', () => {
    expect(prettyBody('status=ok&x=1')).toBe('status=ok&x=1')
  })
})
