import type { Run } from '@shared/run'
import { shortRunId } from './format'

const serviceName: Record<Run['provider'], string> = { demo: 'Demo', comfydeploy: 'ComfyDeploy', runcomfy: 'RunComfy', comfyui: 'ComfyUI' }

/**
 * A run's names: its one short id (the same as in its files' names) and the service's own id for it, which
 * is what the service's support and dashboard know it by. Neither service documents a page per run, so no
 * link is made up.
 */
export function RunIds({ run }: { run: Pick<Run, 'id' | 'provider' | 'providerRunId'> }) {
  return (
    <p className="run__ids muted">
      Run <code title={run.id}>{shortRunId(run.id)}</code>
      {run.providerRunId !== null && (
        <>
          {' · '}
          {serviceName[run.provider]} calls it <code>{run.providerRunId}</code>
        </>
      )}
    </p>
  )
}
