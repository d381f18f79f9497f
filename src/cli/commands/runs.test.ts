import { describe, expect, it } from 'vitest'
import type { Run, RunId } from '@shared/run'
import type { Session } from '../session'
import { cancelRun } from './runs'

const CANCELLING = 'Cancelling: ComfyDeploy will stop it as soon as it starts'
const run = (status: Run['status'], liveStatus: string | null = null) => ({ id: 'r_1', status, liveStatus }) as unknown as Run

/** A session whose `runs.cancel` answers `cancelled`, and whose `runs.get` answers each of `later` in turn (then the last). */
function fakeSession(via: Session['via'], cancelled: Run, later: Run[]) {
  const calls: string[] = []
  const session = {
    via,
    appUrl: null,
    async call(method: string) {
      calls.push(method)
      if (method === 'runs.cancel') return { ok: true, value: cancelled }
      return { ok: true, value: later.length > 1 ? later.shift()! : later[0]! }
    },
    subscribe: async () => () => {},
    close: async () => {},
  } as unknown as Session
  return { session, calls }
}

describe('cancelRun', () => {
  it('waits, in a command running its own core, for a cancel core keeps until the service can take it', async () => {
    const { session, calls } = fakeSession('headless', run('queued', CANCELLING), [run('queued', CANCELLING), run('cancelled')])
    expect(await cancelRun(session, 'r_1' as RunId)).toEqual({ ok: true, value: run('cancelled') })
    expect(calls).toEqual(['runs.cancel', 'runs.get', 'runs.get'])
  })

  it('leaves it to the app when attached (the app goes on), and returns a run already ended at once', async () => {
    const attached = fakeSession('app', run('queued', CANCELLING), [run('cancelled')])
    expect(await cancelRun(attached.session, 'r_1' as RunId)).toEqual({ ok: true, value: run('queued', CANCELLING) })
    expect(attached.calls).toEqual(['runs.cancel'])
    const ended = fakeSession('headless', run('cancelled'), [])
    expect(await cancelRun(ended.session, 'r_1' as RunId)).toEqual({ ok: true, value: run('cancelled') })
    expect(ended.calls).toEqual(['runs.cancel'])
  })
})
