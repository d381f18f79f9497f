import { ok } from '@shared/result'
import type { SpendService } from '../spend/spend-service'
import type { CoreApi } from './build-api'

/** What runs cost, what the month costs, and what a submit would cost (issue 17). */
export function spendApi({ spend }: { spend: SpendService }): Pick<CoreApi, 'spend.summary' | 'spend.estimate' | 'spend.quote' | 'spend.overview' | 'spend.refresh'> {
  return {
    'spend.summary': async (args) => spend.summary(args),
    'spend.estimate': async ({ provider, deploymentId, count }) => {
      const quote = await spend.quote(provider, deploymentId, count)
      return quote.ok ? ok({ usd: quote.value.usd, basis: quote.value.basis }) : quote
    },
    'spend.quote': async ({ provider, deploymentId, count }) => spend.quote(provider, deploymentId, count),
    'spend.overview': async () => ok(spend.overview()),
    'spend.refresh': async () => ok(await spend.refresh()),
  }
}
