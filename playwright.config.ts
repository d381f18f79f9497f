import { defineConfig } from '@playwright/test'

/** Debian's Chromium (`apt-get install chromium`): Playwright's own browser download cannot work offline. */
const chromium = process.env.COURIER_CHROMIUM ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // Tests, not spec files, are shared out: each test has its own app process, data folder and ports, so any two
  // can run side by side, and a spec file of long tests no longer leaves one worker idle at the end (whole
  // files: 13.4 min for 1,413 s of tests on two workers). Two workers keep a 2-core CI machine busy without
  // starving either (with three, each test ran so much slower that the run took as long and the longest specs
  // timed out).
  fullyParallel: true,
  workers: 2,
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
