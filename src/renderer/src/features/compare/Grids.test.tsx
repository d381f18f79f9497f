import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { takeDroppedFiles } from '../../store/dropped-files'
import { demoDeployment, FakeCourier, noGenerationData } from '../../test/fake-courier'
import { renderApp } from '../../test/render-app'

const axis = (name: string) => screen.getByRole('listitem', { name: `${name} axis` })
const makeButton = () => document.querySelector<HTMLButtonElement>('[data-compose-submit]')!

/** Opens Generate's grid editor and sets X to Steps 10, 20, 30 and Y to seeds 1, 2. */
async function setUpGrid() {
  fireEvent.click(await screen.findByRole('button', { name: 'X/Y grid' }))
  fireEvent.click(screen.getByRole('button', { name: 'Add X axis' }))
  fireEvent.change(within(axis('X')).getByLabelText('X axis input'), { target: { value: 'steps' } })
  fireEvent.change(within(axis('X')).getByLabelText('X axis values'), { target: { value: '10-30 (+10)' } })
  fireEvent.click(screen.getByRole('button', { name: 'Add Y axis' }))
  fireEvent.change(within(axis('Y')).getByLabelText('Y axis input'), { target: { value: 'seed' } })
  fireEvent.change(within(axis('Y')).getByLabelText('Y axis values from'), { target: { value: 'values' } })
  fireEvent.change(within(axis('Y')).getByLabelText('Y axis values'), { target: { value: '1, 2' } })
}

/** A grid made on the fake (Text to image, prompt "a kite") and opened at its address; resolves once its view is shown. */
async function openGrid(axes: Array<{ input: string; values: Array<string | number> }>) {
  const fake = new FakeCourier()
  const made = await fake.invoke('grids.submit', { provider: 'demo', deploymentId: 'txt2img', inputs: { prompt: 'a kite' }, axes })
  if (!made.ok) throw new Error(made.error.message)
  window.history.replaceState(null, '', `#/grids/${made.value.gridId}`)
  await renderApp(fake)
  const cells = axes.reduce((product, axis) => product * axis.values.length, 1)
  await screen.findByRole('heading', { name: `Grid of ${cells} · Text to image`, level: 1 })
  return { fake, made: made.value }
}

describe('grid editor', () => {
  it('previews each axis, counts the cells, estimates them, and refuses bad specs and too many cells with the reason', async () => {
    const { fake } = await renderApp()
    await setUpGrid()
    expect(within(axis('X')).getByText('3 values')).toBeTruthy()
    expect(within(axis('X')).getByText('30')).toBeTruthy()
    expect(screen.getByText('X 3 × Y 2 = 6 cells')).toBeTruthy()
    expect(makeButton().textContent).toBe('Make grid of 6')
    expect(makeButton().disabled).toBe(false)
    await waitFor(() => expect(fake.callsTo('spend.quote').some((q) => q.count === 6)).toBe(true))

    // A step that never arrives: said under the box, the box marked, the button held.
    fireEvent.change(within(axis('X')).getByLabelText('X axis values'), { target: { value: '10-30 (-10)' } })
    expect(within(axis('X')).getByRole('alert').textContent).toBe('The step -10 in 10-30 (-10) goes away from 30: use +10.')
    expect(within(axis('X')).getByLabelText('X axis values').getAttribute('aria-invalid')).toBe('true')
    expect(makeButton().disabled).toBe(true)
    expect(screen.getByText('Fix the X axis.')).toBeTruthy()

    // 21 × 20 = 420 cells: refused with the reason, no estimate asked for.
    fireEvent.change(within(axis('X')).getByLabelText('X axis values'), { target: { value: '10-50 (+2)' } })
    fireEvent.change(within(axis('Y')).getByLabelText('Y axis values'), { target: { value: '1-20' } })
    expect(screen.getByText('X 21 × Y 20 = 420 cells')).toBeTruthy()
    expect(screen.getByText(/420 cells is more than a grid may have \(400\)/)).toBeTruthy()
    expect(makeButton().disabled).toBe(true)
    expect(fake.callsTo('grids.submit')).toHaveLength(0)

    // Ctrl/⌘+Enter makes the grid, as it generates in One run.
    fireEvent.change(within(axis('Y')).getByLabelText('Y axis values'), { target: { value: '1, 2' } })
    fireEvent.change(within(axis('X')).getByLabelText('X axis values'), { target: { value: '10, 20' } })
    fireEvent.keyDown(screen.getByLabelText('Prompt'), { key: 'Enter', ctrlKey: true })
    await waitFor(() => expect(fake.callsTo('grids.submit')).toHaveLength(1))
    expect(fake.callsTo('runs.submit')).toHaveLength(0)
  })

  it('fills all the options of an enum, and draws random seeds on request', async () => {
    const fake = new FakeCourier()
    fake.deployments[0] = {
      ...demoDeployment,
      inputs: [...demoDeployment.inputs, { id: 'sampler', label: 'Sampler', kind: 'enum', description: '', defaultValue: 'euler', options: ['euler', 'ddim', 'heun'], required: false }],
    }
    await renderApp(fake)
    fireEvent.click(await screen.findByRole('button', { name: 'X/Y grid' }))
    fireEvent.click(screen.getByRole('button', { name: 'Add X axis' }))
    // The seed comes first, as random seeds.
    expect((within(axis('X')).getByLabelText('X axis input') as HTMLSelectElement).value).toBe('seed')
    expect(within(axis('X')).getByText('4 values')).toBeTruthy()
    fireEvent.change(within(axis('X')).getByLabelText('How many seeds'), { target: { value: '3' } })
    expect(within(axis('X')).getByText('3 values')).toBeTruthy()
    fireEvent.change(within(axis('X')).getByLabelText('X axis input'), { target: { value: 'sampler' } })
    expect(within(axis('X')).getByText('3 values')).toBeTruthy()
    expect(within(axis('X')).getByText('heun')).toBeTruthy()
  })

  it('makes the grid, fills it live cell by cell, re-runs the failed cell, and shows the grid image', async () => {
    const { fake } = await renderApp()
    await setUpGrid()
    fireEvent.click(makeButton())
    await screen.findByRole('heading', { name: 'Grid of 6 · Text to image', level: 1 })
    const [call] = fake.callsTo('grids.submit')
    expect(call).toEqual({
      provider: 'demo',
      deploymentId: 'txt2img',
      inputs: { prompt: 'a lighthouse at dusk', steps: 20, cfg: 7, seed: 42 },
      axes: [
        { input: 'steps', values: [10, 20, 30], labels: ['10', '20', '30'] },
        { input: 'seed', values: [1, 2], labels: ['1', '2'] },
      ],
    })
    expect(window.location.hash).toMatch(/^#\/grids\/g_/)
    const view = document.querySelector<HTMLElement>('[data-grid-id]')!
    const gridId = view.dataset.gridId as string
    expect(screen.getByRole('columnheader', { name: '20' })).toBeTruthy()
    expect(screen.getByRole('rowheader', { name: '2' })).toBeTruthy()
    expect(screen.getByText('0 of 6 cells done · 6 to go')).toBeTruthy()

    const cells = fake.grids.get(gridId)!.cells
    act(() => {
      fake.advance(cells[0]!.runId)
      fake.advance(cells[0]!.runId)
    })
    expect(screen.getByText('1 of 6 cells done · 5 to go')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Open the cell Steps 10, Seed 1' })).toBeTruthy()

    act(() => {
      for (const c of cells.slice(1, 5)) {
        fake.advance(c.runId)
        fake.advance(c.runId)
      }
      fake.fail(cells[5]!.runId, { code: 'RUN_FAILED', message: 'Out of GPU memory' })
    })
    expect(screen.getByText('6 of 6 cells done · 1 failed')).toBeTruthy()
    expect(screen.getByText('Out of GPU memory')).toBeTruthy()
    // Five cells succeeded: the image is made of them.
    await waitFor(() => expect(view.dataset.imageState).toBe('saved'))
    expect(screen.getByRole('button', { name: 'Open the grid image' })).toBeTruthy()

    fireEvent.click(screen.getByRole('button', { name: 'Re-run 1 failed cell' }))
    await waitFor(() => expect(fake.callsTo('grids.rerunFailed')).toEqual([{ gridId }]))
    await waitFor(() => expect(screen.getByText('5 of 6 cells done · 1 to go')).toBeTruthy())
    const again = fake.grids.get(gridId)!.cells[5]!.runId
    act(() => {
      fake.advance(again)
      fake.advance(again)
    })
    expect(screen.getByText('6 of 6 cells done')).toBeTruthy()
    await waitFor(() => expect(view.dataset.imageState).toBe('saved'))

    // A cell opens in the lightbox.
    fireEvent.click(screen.getByRole('button', { name: 'Open the cell Steps 30, Seed 2' }))
    expect(await screen.findByRole('dialog')).toBeTruthy()
  })

  it('cancels the rest, and Runs groups the grid with the way to it', async () => {
    const { fake } = await renderApp()
    await setUpGrid()
    fireEvent.click(makeButton())
    await screen.findByRole('heading', { name: 'Grid of 6 · Text to image', level: 1 })
    expect(screen.getByText('X: Steps (3) · Y: Seed (2)')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Cancel the rest' }))
    await waitFor(() => expect(fake.callsTo('grids.cancel')).toHaveLength(1))
    await waitFor(() => expect(screen.getByText('6 of 6 cells done · 6 cancelled')).toBeTruthy())
    expect(screen.getByRole('button', { name: 'Re-run 6 cancelled cells' })).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toContain('No cell succeeded')

    fireEvent.click(screen.getByRole('link', { name: '← All runs' }))
    const group = await waitFor(() => {
      const el = document.querySelector<HTMLElement>('.run-list [data-grid-id]')
      if (el === null) throw new Error('no grid group')
      return el
    })
    expect(within(group).getByRole('heading', { name: /Grid of 6 runs · Text to image/ })).toBeTruthy()
    expect(within(group).getByText('X: Steps (3) × Y: Seed (2)')).toBeTruthy()
    fireEvent.click(within(group).getByRole('link', { name: 'Open grid' }))
    await screen.findByRole('heading', { name: 'Grid of 6 · Text to image', level: 1 })
  })

  it('asks before a grid above the spend threshold, through the same dialog', async () => {
    const fake = new FakeCourier().configure('comfydeploy')
    fake.deployments.push({ ...demoDeployment, provider: 'comfydeploy', id: 'cd-1', name: 'Paid' })
    fake.settings.budgets.comfydeploy = { ...fake.settings.budgets.comfydeploy, confirmAboveUsd: 0.05 }
    await renderApp(fake)
    fireEvent.click(await screen.findByRole('radio', { name: 'ComfyDeploy' }))
    await setUpGrid()
    fireEvent.click(makeButton())
    const dialog = await screen.findByRole('alertdialog')
    expect(dialog.textContent).toContain('Make a grid of 6 runs of Paid')
    fireEvent.click(within(dialog).getByRole('button', { name: /Generate|Confirm|Spend/ }))
    await screen.findByRole('heading', { name: 'Grid of 6 · Paid', level: 1 })
    expect(fake.callsTo('grids.submit').map((c) => c.confirmUsd)).toEqual([undefined, 0.12])
  })

  it('a dropped grid image puts its set-up back in the grid editor', async () => {
    const fake = new FakeCourier()
    const base = 'a dog in the snow'
    fake.inspections.set('grid.png', {
      ...noGenerationData(),
      source: 'courier',
      grid: {
        provider: 'demo',
        deploymentId: 'txt2img',
        inputs: { prompt: base, steps: 20, cfg: 7, seed: 42 },
        axes: [
          { input: 'prompt', values: [base, 'a cat in the snow'], labels: ['dog', 'cat'] },
          { input: 'cfg', values: [3, 7.5], labels: ['3', '7.5'] },
        ],
      },
    })
    const { app } = await renderApp(fake)
    await screen.findByLabelText('Prompt')
    await act(() => takeDroppedFiles(app.store, fake, [new File(['x'], 'grid.png', { type: 'image/png' })]))
    await waitFor(() => expect(screen.getByRole('button', { name: 'X/Y grid' }).getAttribute('aria-pressed')).toBe('true'))
    expect((within(axis('X')).getByLabelText('X axis input') as HTMLSelectElement).value).toBe('prompt')
    expect((within(axis('X')).getByLabelText('X axis values from') as HTMLSelectElement).value).toBe('sr')
    expect((within(axis('X')).getByLabelText('X axis values') as HTMLInputElement).value).toBe('dog, cat')
    expect((within(axis('Y')).getByLabelText('Y axis values') as HTMLInputElement).value).toBe('3, 7.5')
    expect((screen.getByLabelText('Prompt') as HTMLTextAreaElement).value).toBe(base)
    expect(screen.getByText('X 2 × Y 2 = 4 cells')).toBeTruthy()
    expect(screen.getByText(/The grid of “grid.png” is set up again/)).toBeTruthy()
  })
})

describe('grid address', () => {
  it('opens a grid made before from its address, with its cells’ pictures', async () => {
    const fake = new FakeCourier()
    const made = await fake.invoke('grids.submit', { provider: 'demo', deploymentId: 'txt2img', inputs: { prompt: 'a kite' }, axes: [{ input: 'steps', values: [5, 10] }] })
    if (!made.ok) throw new Error(made.error.message)
    fake.advanceGrid(made.value.gridId)
    fake.advanceGrid(made.value.gridId)
    window.history.replaceState(null, '', `#/grids/${made.value.gridId}`)
    await renderApp(fake)
    await screen.findByRole('heading', { name: 'Grid of 2 · Text to image', level: 1 })
    expect(screen.getByRole('link', { name: 'Runs' }).getAttribute('aria-current')).toBe('page')
    await waitFor(() => expect(screen.getAllByRole('button', { name: /^Open the cell Steps/ })).toHaveLength(2))
    expect(screen.getByRole('button', { name: 'Open the grid image' })).toBeTruthy()
    // Show in Gallery: the gallery filtered to the grid (its cells and its image), and the grid's address left.
    fake.seedOutput(fake.seedRun({ prompt: 'not of the grid' }))
    fireEvent.click(screen.getByRole('button', { name: 'Show in Gallery' }))
    await screen.findByRole('heading', { name: 'Gallery', level: 1 })
    await waitFor(() => expect(window.location.hash).toBe('#/gallery'))
    expect(screen.getByText('Grid', { selector: '[data-grid-filter]', exact: false })).toBeTruthy()
    await waitFor(() => expect(document.querySelectorAll('.gallery .tile')).toHaveLength(3))
    expect(fake.callsTo('outputs.list').at(-1)).toMatchObject({ gridId: made.value.gridId })
  })
})

describe('pages', () => {
  it('a Z axis makes one page per value, chosen above the cells', async () => {
    const { made } = await openGrid([
      { input: 'steps', values: [5, 10] },
      { input: 'seed', values: [1] },
      { input: 'cfg', values: [3, 9] },
    ])
    const pages = screen.getByRole('group', { name: 'Page (Z: Guidance)' })
    const cellRuns = () => [...document.querySelectorAll<HTMLElement>('.grid-cell')].map((c) => c.dataset.runId)
    const [a, b, c, d] = made.runs.map((r) => r.id)
    expect(cellRuns()).toEqual([a, b])
    fireEvent.click(within(pages).getByRole('button', { name: 'Guidance 9' }))
    expect(within(pages).getByRole('button', { name: 'Guidance 9' }).getAttribute('aria-pressed')).toBe('true')
    expect(cellRuns()).toEqual([c, d])
  })
})

describe('a large grid', () => {
  it('keeps only the cells in view in the DOM, reads as the whole table, and shows others as it scrolls', async () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1)
    const { fake, made } = await openGrid([
      { input: 'seed', values },
      { input: 'steps', values },
    ])
    const table = screen.getByRole('table', { name: 'Steps down, Seed across' })
    expect(table.getAttribute('aria-rowcount')).toBe('21')
    expect(table.getAttribute('aria-colcount')).toBe('21')
    // jsdom lays nothing out: the box is taken as 1024×768, which shows 5 rows of 142 px, plus 2; of 20 columns,
    // every one is rendered (Tab goes through a row whole).
    const shown = () => [...document.querySelectorAll<HTMLElement>('.grid-cell')].map((c) => c.dataset.runId)
    const runAt = (x: number, y: number) => made.runs[y * 20 + x]!.id
    expect(shown().length % 20).toBe(0)
    expect(shown().length).toBeGreaterThanOrEqual(100)
    expect(shown().length).toBeLessThan(200)
    expect(shown()).toContain(runAt(19, 0))
    expect(shown()).not.toContain(runAt(0, 19))
    expect(within(table).getByRole('columnheader', { name: '20' }).getAttribute('aria-colindex')).toBe('21')
    expect(within(table).queryByRole('rowheader', { name: '20' })).toBeNull()

    // Scrolled to the end: its cells come, the first go, and the labels follow.
    const box = screen.getByRole('region', { name: 'Cells of the grid' })
    act(() => {
      box.scrollTop = 20 * 142
      fireEvent.scroll(box)
    })
    await waitFor(() => expect(shown()).toContain(runAt(19, 19)))
    expect(shown()).not.toContain(runAt(0, 0))
    const last = within(table).getByRole('rowheader', { name: '20' })
    expect(last.closest('[role="row"]')?.getAttribute('aria-rowindex')).toBe('21')
    // A cell's event still reaches a cell shown.
    act(() => {
      fake.advance(runAt(19, 19))
      fake.advance(runAt(19, 19))
    })
    expect(screen.getByRole('button', { name: 'Open the cell Seed 20, Steps 20' })).toBeTruthy()
  })
})

describe('a large grid, by keyboard', () => {
  it('in a grid too wide to render whole, Tab from a row’s last cell goes to the next row’s first, scrolled out of the DOM (and Shift+Tab back)', async () => {
    const { fake, made } = await openGrid([
      { input: 'seed', values: Array.from({ length: 50 }, (_, i) => i + 1) },
      { input: 'steps', values: [10, 20] },
    ])
    act(() => {
      for (const run of made.runs) {
        fake.advance(run.id)
        fake.advance(run.id)
      }
    })
    const box = screen.getByRole('region', { name: 'Cells of the grid' })
    const cell = (seed: number, steps: number) => screen.getByRole('button', { name: `Open the cell Seed ${seed}, Steps ${steps}` })
    // Scrolled to the right end: the first row's last cell is shown, the second row's first is not in the DOM.
    act(() => {
      box.scrollLeft = 50 * 102
      fireEvent.scroll(box)
    })
    await waitFor(() => expect(cell(50, 10)).toBeTruthy())
    expect(screen.queryByRole('button', { name: 'Open the cell Seed 1, Steps 20' })).toBeNull()
    cell(50, 10).focus()
    fireEvent.keyDown(cell(50, 10), { key: 'Tab' })
    expect(box.scrollLeft).toBe(0)
    act(() => {
      fireEvent.scroll(box)
    })
    await waitFor(() => expect(document.activeElement).toBe(cell(1, 20)))

    // Back: from the second row's first cell to the first row's last, scrolled back into the DOM.
    Object.defineProperty(box, 'scrollWidth', { configurable: true, value: 50 * 102 })
    fireEvent.keyDown(cell(1, 20), { key: 'Tab', shiftKey: true })
    expect(box.scrollLeft).toBe(50 * 102)
    act(() => {
      fireEvent.scroll(box)
    })
    await waitFor(() => expect(document.activeElement).toBe(cell(50, 10)))
    // Within a row, Tab is the browser's own.
    fireEvent.keyDown(cell(50, 10), { key: 'Tab', shiftKey: true })
    expect(box.scrollLeft).toBe(50 * 102)
  })
})

describe('prompt list', () => {
  it('submits one run per line as one batch, with the estimate for that many', async () => {
    const { fake } = await renderApp()
    fireEvent.click(await screen.findByRole('button', { name: 'Prompt list' }))
    expect(makeButton().disabled).toBe(true)
    fireEvent.change(screen.getByLabelText('Prompts, one per line'), { target: { value: 'a fox\n\na hare\n a lynx \n' } })
    const table = screen.getByRole('table')
    expect(within(table).getByText('3 runs')).toBeTruthy()
    expect(within(table).getByText('a lynx')).toBeTruthy()
    expect(makeButton().textContent).toBe('Generate 3 runs')
    await waitFor(() => expect(fake.callsTo('spend.quote').some((q) => q.count === 3)).toBe(true))
    fireEvent.click(makeButton())
    await waitFor(() => expect(fake.callsTo('runs.submitList')).toHaveLength(1))
    expect(fake.callsTo('runs.submitList')[0]).toEqual({
      provider: 'demo',
      deploymentId: 'txt2img',
      inputs: { prompt: 'a lighthouse at dusk', steps: 20, cfg: 7, seed: 42 },
      rows: [{ prompt: 'a fox' }, { prompt: 'a hare' }, { prompt: 'a lynx' }],
    })
    expect(await screen.findByText('3 runs started as one batch.')).toBeTruthy()
    expect(fake.runs.size).toBe(3)
  })

  it('loads a CSV, maps its columns by their headers, and says which row is wrong', async () => {
    const { fake } = await renderApp()
    fireEvent.click(await screen.findByRole('button', { name: 'Prompt list' }))
    const csv = new File(['Prompt,Steps,notes\n"a fox, running",12,x\na hare,99,y\n'], 'list.csv', { type: 'text/csv' })
    fireEvent.change(screen.getByTestId('list-file'), { target: { files: [csv] } })
    const steps = await screen.findByLabelText('Column “Steps” goes to')
    expect((steps as HTMLSelectElement).value).toBe('steps')
    expect((screen.getByLabelText('Column “notes” goes to') as HTMLSelectElement).value).toBe('')
    expect(screen.getByText('Row 2: Steps: Steps is at most 50: 99 is above it.')).toBeTruthy()
    expect(makeButton().disabled).toBe(true)
    fireEvent.change(steps, { target: { value: '' } })
    expect(makeButton().disabled).toBe(false)
    fireEvent.click(makeButton())
    await waitFor(() => expect(fake.callsTo('runs.submitList')[0]?.rows).toEqual([{ prompt: 'a fox, running' }, { prompt: 'a hare' }]))
  })
})
