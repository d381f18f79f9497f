import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { startSim, type Sim, type SimOptions } from '../../src/sim/index'
import { removeDir, startTestCore, type TestCore, type TestCoreOptions } from './core-fixture'

export interface SimAndCoresOptions extends SimOptions {
  /**
   * Reset the simulator after each test (forget its runs and media, faults back to their defaults).
   * Default true; off where the tests share one core, started in `beforeAll`, and the runs it knows.
   */
  resetAfterEach?: boolean
  /** Runs after each test, once that test's cores have stopped and the simulator is reset. */
  afterEachTest?: () => Promise<void> | void
}

export interface SimAndCores {
  /** The simulator, started before the first test and closed after the last. */
  readonly sim: Sim
  /**
   * A core on a throw-away data folder. One started in a test is stopped, and its folder removed, after
   * that test; one started in `beforeAll`, after the last test.
   */
  start(opts?: TestCoreOptions): Promise<TestCore>
  /** Stops `t` and starts a core on the same data folder, stopped when `t` would have been. */
  restart(t: TestCore): Promise<TestCore>
  /** Another simulator (a different speed, say), closed with the cores of the same test or file. */
  startSim(options?: SimOptions): Promise<Sim>
}

interface Scope {
  cores: TestCore[]
  sims: Sim[]
}

async function tearDown(scope: Scope): Promise<void> {
  for (const t of scope.cores) await t.stop()
  for (const dir of new Set(scope.cores.map((t) => t.dataDir))) await removeDir(dir)
  for (const sim of scope.sims) await sim.close()
  scope.cores = []
  scope.sims = []
}

/**
 * The simulator and the cores of one `describe`, set up and torn down in one place: call it at the top
 * of the `describe` (it registers the hooks). The simulator runs at `timeScale` 0.1 unless told otherwise.
 */
export function useSimAndCores(options: SimAndCoresOptions = {}): SimAndCores {
  const { resetAfterEach = true, afterEachTest, ...simOptions } = options
  let sim: Sim | null = null
  const file: Scope = { cores: [], sims: [] }
  const test: Scope = { cores: [], sims: [] }
  let inTest = false
  const scope = () => (inTest ? test : file)

  beforeAll(async () => {
    sim = await startSim({ timeScale: 0.1, ...simOptions })
  })
  beforeEach(() => {
    inTest = true
  })
  afterEach(async () => {
    inTest = false
    await tearDown(test)
    if (resetAfterEach) sim?.reset()
    await afterEachTest?.()
  })
  afterAll(async () => {
    await tearDown(file)
    await sim?.close()
  })

  return {
    get sim() {
      if (!sim) throw new Error('the simulator starts in beforeAll: use it from a hook or a test')
      return sim
    },
    async start(opts = {}) {
      const t = await startTestCore(opts)
      scope().cores.push(t)
      return t
    },
    async restart(t) {
      const next = await t.restart()
      ;(test.cores.includes(t) ? test : file).cores.push(next)
      return next
    },
    async startSim(extra = {}) {
      const another = await startSim(extra)
      scope().sims.push(another)
      return another
    },
  }
}
