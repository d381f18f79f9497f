import { defineConfig } from '@playwright/test'

/** Debian's Chromium (`apt-get install chromium`): Playwright's own browser download cannot work offline. */
const chromium = process.env.COURIER_CHROMIUM ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  // Three spec files at a time: each test has its own app process, data folder and ports, and most of a
  // test's time is waiting (on runs, the page, the host): with two, a 2-core CI machine was half idle over the
  // e2e step (20 min of CPU in a 20-minute run), and the whole run reached CI's limit.
  workers: 3,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.test-reports/e2e.json' }]],
  use: {
    trace: 'retain-on-failure',
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
