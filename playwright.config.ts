import { defineConfig } from '@playwright/test'

/** Debian's Chromium (`apt-get install chromium`): Playwright's own browser download cannot work offline. */
const chromium = process.env.COURIER_CHROMIUM ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // Whole spec files are shared out, not tests: sharing tests paired a file's heavy variants (the same flow at
  // three window sizes) side by side, and every test ran about a quarter slower (21.9 min against 19.0).
  // Two workers keep a 2-core CI machine busy without starving either (with three, each test ran so much
  // slower that the run took as long and the longest specs timed out).
  fullyParallel: false,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.test-reports/e2e.json' }]],
  use: {
    // Recording a trace made every test about a third slower (it snapshots the page at each step), and CI keeps
    // only what is printed: `COURIER_E2E_TRACE=1` records one, kept for a failed test (`npx playwright show-trace`).
    trace: process.env.COURIER_E2E_TRACE === '1' ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [
    // Dark, the app's own default look (Playwright's is light); the a11y spec checks both schemes.
    { name: 'web', testDir: 'e2e/web', use: { browserName: 'chromium', viewport: { width: 1360, height: 860 }, colorScheme: 'dark' } },
    { name: 'electron', testDir: 'e2e/electron' },
  ],
})
