// `npm test`: everything CI runs, in order — lint, type check, build, unit + integration (Vitest), and the
// Playwright e2e specs. Fails if any step fails or any test is skipped, except the Electron spec, which
// may skip (with its reason shown) where the Electron binary is not installed, and the real ComfyUI server's
// tests, which skip (with theirs) where that server is not set up. Ends with one plain line:
// `N passed, N failed`.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const reports = '.test-reports'
rmSync(reports, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })

const tally = { passed: 0, failed: 0, skipped: 0 }
const problems = []

function step(name, command, args) {
  process.stdout.write(`\n── ${name}: ${command} ${args.join(' ')}\n`)
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } })
  return result.status === 0
}

function check(name, command, args) {
  if (step(name, command, args)) tally.passed++
  else {
    tally.failed++
    problems.push(`${name} failed`)
  }
}

const npx = (bin) => join('node_modules', '.bin', bin)
/** Test files that need a real ComfyUI server (../shared/tools/comfyui): they may skip, with their reason. */
const REAL_SERVER_FILES = ['test/integration/comfyui-real.test.ts']

check('lint', npx('eslint'), ['.', '--max-warnings', '0'])
check('type check', npx('tsc'), ['-p', 'tsconfig.node.json', '--noEmit'])
check('type check (renderer)', npx('tsc'), ['-p', 'tsconfig.web.json', '--noEmit'])

// The built app, before the tests: the e2e specs run against it as a user gets it, and the CLI's tests run
// the built `courier` (test/support/cli-process.ts builds only when it is missing or older than the sources).
const built = step('build', 'npm', ['run', 'build', '--silent'])
if (!built) {
  problems.push('build failed')
  tally.failed++
}

// Unit and integration tests; the video-poster tests run the real ffmpeg.
if (!process.env.COURIER_FFMPEG) ensurePackage({ binary: '/usr/bin/ffmpeg', pkg: 'ffmpeg', what: 'the video-poster tests' })
const vitestOk = step('unit + integration (Vitest)', npx('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${reports}/vitest.json`])
try {
  const v = JSON.parse(readFileSync(join(reports, 'vitest.json'), 'utf8'))
  tally.passed += v.numPassedTests
  tally.failed += v.numFailedTests
  // The real ComfyUI server's tests skip where it is not set up (CI does not install its 1.5 GB): their
  // describe block's title says why, and it is shown. Any other skip is a problem.
  let skipped = 0
  for (const file of v.testResults ?? []) {
    const skips = (file.assertionResults ?? []).filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo')
    if (skips.length === 0) continue
    tally.skipped += skips.length
    if (REAL_SERVER_FILES.some((name) => file.name.endsWith(name))) process.stdout.write(`\nReal-server tests skipped: ${skips[0].ancestorTitles?.[0] ?? file.name}\n`)
    else skipped += skips.length
  }
  if (skipped > 0) problems.push(`${skipped} Vitest test(s) skipped`)
  if (v.numTotalTests === 0) problems.push('Vitest ran no test')
  if (!vitestOk && v.numFailedTests === 0) problems.push('Vitest failed outside a test (see above)')
} catch {
  problems.push('Vitest wrote no report')
  tally.failed++
}

/**
 * A Debian package a suite needs (Chromium for the e2e specs, ffmpeg for video posters): on a fresh Debian
 * machine, as root, it is installed here; elsewhere the reason is reported.
 */
function ensurePackage({ binary, pkg, what }) {
  if (existsSync(binary)) return true
  const root = typeof process.getuid === 'function' && process.getuid() === 0
  if (root && existsSync('/usr/bin/apt-get')) {
    process.stdout.write(`\n${binary} is missing: installing Debian's ${pkg} package for ${what}\n`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
    spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env })
    if (existsSync(binary)) return true
  }
  problems.push(`no ${pkg} at ${binary}: install it (Debian: sudo apt-get install -y ${pkg}) for ${what}`)
  return false
}
const ensureChromium = () => ensurePackage({ binary: process.env.COURIER_CHROMIUM ?? '/usr/bin/chromium', pkg: 'chromium', what: 'the e2e specs' })

if (!ensureChromium()) {
  tally.failed++
} else if (built) {
  const e2eOk = step('e2e (Playwright: web, electron)', npx('playwright'), ['test'])
  try {
    const report = JSON.parse(readFileSync(join(reports, 'e2e.json'), 'utf8'))
    const tests = []
    const walk = (suite) => {
      for (const spec of suite.specs ?? []) for (const test of spec.tests) tests.push({ title: spec.title, file: spec.file, ...test })
      for (const child of suite.suites ?? []) walk(child)
    }
    for (const suite of report.suites ?? []) walk(suite)
    let webRan = 0
    for (const test of tests) {
      const last = test.results.at(-1)
      if (test.status === 'skipped') {
        const reason = last?.annotations?.find((a) => a.type === 'skip')?.description ?? test.annotations?.find((a) => a.type === 'skip')?.description ?? 'no reason given'
        tally.skipped++
        if (test.projectName === 'electron') process.stdout.write(`\nElectron spec skipped: ${test.title} — ${reason}\n`)
        else problems.push(`e2e test skipped: ${test.title} (${reason})`)
      } else if (test.status === 'expected' || test.status === 'flaky') {
        tally.passed++
        if (test.projectName === 'web') webRan++
      } else {
        tally.failed++
      }
    }
    if (webRan === 0) problems.push('no web e2e spec ran')
    if (!e2eOk && tests.every((t) => t.status !== 'unexpected')) problems.push('Playwright failed outside a test (see above)')
  } catch {
    problems.push('Playwright wrote no report')
    tally.failed++
  }
}

writeFileSync(join(reports, 'summary.json'), JSON.stringify({ ...tally, problems }))
for (const problem of problems) process.stdout.write(`\n✗ ${problem}`)
process.stdout.write(`\n\n${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped\n`)
process.exit(tally.failed > 0 || problems.length > 0 ? 1 : 0)
