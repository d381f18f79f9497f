import { act, fireEvent, screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { FakeCourier } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

describe('Runs: a succeeded run without outputs to show', () => {
  it('says its outputs went to the trash rather than showing an empty card', async () => {
    const fake = new FakeCourier()
    const kept = fake.seedRun({ prompt: 'a kept picture' }, { outputCount: 1 })
    fake.seedOutput(kept)
    const trashed = fake.seedRun({ prompt: 'a trashed picture' }, { outputCount: 0, outputs: 'saved' })
    const empty = fake.seedRun({ prompt: 'nothing made' }, { outputCount: 0, outputs: 'none' })
    const rendered = await renderApp(fake)
    fireEvent.click(screen.getByRole('link', { name: 'Runs' }))
    await screen.findByRole('heading', { name: 'Runs', level: 1 })
    const row = (id: string) => document.querySelector<HTMLElement>(`[data-run-id="${id}"]`)
    await waitFor(() => expect(row(trashed.id)?.textContent).toContain('Its outputs were moved to the trash, so there is nothing left to show.'))
    expect(row(empty.id)?.textContent).toContain('This run finished without making any output.')
    expect(row(kept.id)?.textContent).not.toContain('trash')

    // The kept run's last output is trashed (the store drops it), and core recounts the run.
    const output = fake.outputs.find((o) => o.runId === kept.id)
    if (output === undefined) throw new Error('no output')
    const { store } = rendered
    await act(async () => {
      await store.getState().outputs.remove([output.id])
    })
    act(() => fake.emit({ type: 'run.updated', run: { ...kept, outputCount: 0, updatedAt: kept.updatedAt + 1 } }))
    await waitFor(() => expect(row(kept.id)?.textContent).toContain('Its outputs were moved to the trash'))
  })
})
