import { err, ok } from '@shared/result'
import type { RunLedger } from '../runs/run-ledger'
import type { RunService } from '../runs/run-service'
import { publicRun } from '../store/runs-repo'
import type { CoreApi } from './build-api'

export interface RunsApiDeps {
  /** Everything that changes a run. */
  runService: Pick<RunService, 'submit' | 'submitBatch' | 'rerun' | 'cancel'>
  /** Where runs are read from; `publicRun` strips what never leaves core. */
  runs: Pick<RunLedger, 'get' | 'list'>
}

/** Submitting, reading and cancelling runs. */
export function runsApi({ runService, runs }: RunsApiDeps): Pick<CoreApi, 'runs.submit' | 'runs.submitBatch' | 'runs.rerun' | 'runs.cancel' | 'runs.get' | 'runs.list'> {
  return {
    'runs.submit': (args) => runService.submit(args),
    'runs.submitBatch': (args) => runService.submitBatch(args),
    'runs.rerun': ({ id, seed, confirmUsd }) => runService.rerun(id, seed, confirmUsd),
    'runs.cancel': ({ id }) => runService.cancel(id),
    'runs.get': async ({ id }) => {
      const run = runs.get(id)
      return run ? ok(publicRun(run)) : err('NOT_FOUND', `no run ${id}`)
    },
    'runs.list': async ({ limit }) => ok(runs.list(limit ?? 200).map(publicRun)),
  }
}
