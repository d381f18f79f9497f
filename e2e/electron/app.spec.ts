import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test'
import type { CourierClient } from '@shared/client'
import { findElectronBinary, projectRoot } from '../../scripts/electron-binary.mjs'
import { cspFromHtml, cspProblems } from '../../src/main/electron/csp'
import { SECURE_WEB_PREFERENCES } from '../../src/main/electron/window-options'

/*
 * The desktop shell end to end: the sandboxed window, the preload bridge, IPC, courier-media://.
 * The binary is found through files (importing `electron` throws where it is missing, and its install
 * step downloads); where it is absent the spec skips and says where it looked.
 */

const binary = findElectronBinary()
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
const BUILT = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']

type PageWindow = { courier?: CourierClient }

// The list reporter shows skipped tests without their reason: say it once, where the run is read.
if (!binary.found && !process.env.TEST_WORKER_INDEX) {
  process.stderr.write(`Electron spec: skipped, Electron binary not found: ${binary.reason}\n`)
}

test.describe('Electron app', () => {
  test.skip(
    !binary.found,
    binary.found ? '' : `Electron binary not found: ${binary.reason} (the download is not possible offline; npm start tries it)`,
  )
  test.skip(binary.found && noDisplay, 'no display (DISPLAY/WAYLAND_DISPLAY unset): run under xvfb-run to exercise the Electron window')

  let app: ElectronApplication
  let page: Page
  let dataDir: string
  /** The app's stderr so far: main-process decisions (blocked navigation…) are logged there. */
  let appLog = ''

  test.beforeEach(async () => {
    const missing = BUILT.filter((file) => !existsSync(join(projectRoot, file)))
    if (missing.length > 0) throw new Error(`the app is not built (missing ${missing.join(', ')}): run npm run build first`)

    dataDir = await mkdtemp(join(tmpdir(), 'courier-electron-'))
    const env: Record<string, string> = {}
    for (const [key, value] of Object.entries(process.env)) {
      // The built files are under test, never a dev server; and Electron must not start as plain Node.
      if (value !== undefined && key !== 'ELECTRON_RENDERER_URL' && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value
    }
    // Chromium's OS-level sandbox cannot start as root (CI containers). Only that layer is switched off;
    // the window's own preferences (sandboxed preload, context isolation) are the same as for users, and
    // the assertions below check exactly those.
    const asRoot = process.platform === 'linux' && process.getuid?.() === 0
    if (asRoot) test.info().annotations.push({ type: 'note', description: 'running as root: Chromium started with --no-sandbox' })

    app = await electron.launch({
      executablePath: binary.path,
      // Its own library folder too: the default is the user's Pictures folder.
      args: [...(asRoot ? ['--no-sandbox'] : []), '.', '--data-dir', dataDir, '--library-dir', join(dataDir, 'library'), '--tunnel', 'off'],
      cwd: projectRoot,
      env,
    })
    // Failures explain themselves: the app's own log lines land in the test's output.
    appLog = ''
    app.process().stderr?.on('data', (chunk: Buffer) => {
      appLog += chunk.toString()
      process.stderr.write(`[app] ${chunk.toString()}`)
    })
    page = await app.firstWindow()
    await page.locator('[data-app-state="loaded"]').waitFor()
  })

  test.afterEach(async () => {
    await app?.close()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  test('the page gets window.courier and nothing of Node', async () => {
    const seen = await page.evaluate(() => {
      const w = window as unknown as PageWindow
      const descriptor = Object.getOwnPropertyDescriptor(window, 'courier')
      return {
        courier: typeof w.courier,
        methods: w.courier ? Object.keys(w.courier).sort() : [],
        frozen: w.courier ? Object.isFrozen(w.courier) : false,
        writable: descriptor?.writable,
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        module: typeof (globalThis as { module?: unknown }).module,
      }
    })
    expect(seen).toEqual({
      courier: 'object',
      methods: ['invoke', 'mediaUrl', 'subscribe'],
      frozen: true,
      writable: false,
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
    })
  })

  test('the bridge answers contract methods, refuses other names, and blocks pop-ups', async () => {
    const answers = await page.evaluate(async () => {
      const courier = (window as unknown as PageWindow).courier
      if (!courier) throw new Error('window.courier is missing')
      const info = await courier.invoke('app.info', {})
      const unknown = await courier.invoke('fs.readFile' as never, {} as never)
      return {
        mode: info.ok ? info.value.mode : info.error.code,
        unknown: unknown.ok ? 'ok' : unknown.error.code,
        popup: window.open('about:blank') === null,
      }
    })
    expect(answers).toEqual({ mode: 'electron', unknown: 'UNKNOWN_METHOD', popup: true })
  })

  test("the window's web preferences are the secure ones, as built", async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> } | undefined
      return contents?.getLastWebPreferences?.() ?? null
    })
    if (prefs === null) {
      test.info().annotations.push({ type: 'note', description: 'webContents.getLastWebPreferences is not available in this Electron' })
      return
    }
    expect(prefs).toMatchObject({ ...SECURE_WEB_PREFERENCES })
  })

  test('the page carries a strict CSP that refuses eval', async () => {
    const seen = await page.evaluate(() => {
      const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]')
      let evalError = 'none'
      try {
        // Indirect eval of a string: the CSP (no 'unsafe-eval') must refuse it.
        ;(0, eval)('1 + 1')
      } catch (error) {
        evalError = error instanceof Error ? error.name : String(error)
      }
      return { html: document.documentElement.outerHTML, meta: meta?.getAttribute('content') ?? null, evalError }
    })
    expect(seen.meta).not.toBeNull()
    expect(cspFromHtml(seen.html)).toBe(seen.meta)
    expect(cspProblems(seen.meta ?? '')).toEqual([])
    expect(seen.evalError).toBe('EvalError')
  })

  test('the window cannot be navigated away from the app', async () => {
    const before = page.url()
    // Plain http on loopback: blocked, and (not being https) never handed to the OS browser either.
    await page.evaluate(() => {
      window.location.href = 'http://127.0.0.1:9/not-the-app'
    })
    // The shell logs the refusal (as a JSON line through core's logger, hence the loose match).
    await expect.poll(() => appLog).toMatch(/blocked navigation to .*127\.0\.0\.1:9\/not-the-app/)
    expect(page.url()).toBe(before)
    await expect(page.locator('[data-app-state="loaded"]')).toBeVisible()
  })

  test('a Demo run goes from Generate to succeeded, and its output loads over courier-media://', async () => {
    // A fresh data folder has no API keys, so the Generate view starts on the Demo provider.
    await page.getByLabel('Prompt').fill('a paper plane over a teal sea, studio light')
    await page.getByRole('button', { name: 'Generate' }).click()

    const run = page.locator('[data-run-id]').first()
    // The Demo timeline takes about 3 s; the margin is for a slow machine, not a pass/fail line.
    await expect(run).toHaveAttribute('data-run-status', 'succeeded', { timeout: 30_000 })
    const runId = await run.getAttribute('data-run-id')
    expect(runId).toBeTruthy()

    const image = await page.evaluate(async (id) => {
      const courier = (window as unknown as PageWindow).courier
      if (!courier) throw new Error('window.courier is missing')
      const outputs = await courier.invoke('outputs.list', { runId: id as never })
      if (!outputs.ok) return { error: outputs.error.code }
      const first = outputs.value.find((output) => output.kind === 'image')
      if (!first) return { outputs: outputs.value.length, image: 'none' }
      // An <img>, as the gallery uses: no CORS involved, and the page's CSP must allow the scheme.
      const img = new Image()
      img.src = courier.mediaUrl(first.id)
      await img.decode()
      return { outputs: outputs.value.length, width: img.naturalWidth > 0 }
    }, runId)
    expect(image).toMatchObject({ outputs: expect.any(Number) })
    if ('image' in image) test.info().annotations.push({ type: 'note', description: 'the Demo run had no image output' })
    else expect(image).toMatchObject({ width: true })
  })
})
