import { UPLOAD_MAX_BYTES } from '@shared/contract'
import type { CourierRecord, Inspection, Restore } from '@shared/provenance'
import { err, ok, type Result } from '@shared/result'
import type { Interpreted } from '../metadata/interpret/index'
import type { ProviderRegistry } from '../providers/registry'
import type { CoreApi } from './build-api'

export interface ProvenanceApiDeps {
  /** A dropped file's generation data, read from its bytes (written to a scratch file first for a video). */
  inspectBytes(fileName: string, bytes: Buffer): Promise<Interpreted>
  /** A saved output's generation data, read from its file (and sidecar), confined to the library. */
  inspectOutput(id: string): Promise<Result<Interpreted>>
  providers: Pick<ProviderRegistry, 'get' | 'findDeployment'>
}

/**
 * Where a record's run can be made again: its provider is set up and still has that deployment. A file
 * made elsewhere (or for a deployment since removed) fills the form by field names instead.
 */
async function restoreOf(record: CourierRecord | null, providers: ProvenanceApiDeps['providers']): Promise<Restore | null> {
  if (record === null || !providers.get(record.provider)) return null
  try {
    const deployment = await providers.findDeployment(record.provider, record.deploymentId)
    return deployment ? { provider: record.provider, deploymentId: record.deploymentId, inputs: record.inputs } : null
  } catch {
    // The service cannot be asked now: the form is still filled by names, and the user is told why not more.
    return null
  }
}

/** "How was this made?": a saved output's or a dropped file's generation data, and how to make it again. */
export function provenanceApi({ inspectBytes, inspectOutput, providers }: ProvenanceApiDeps): Pick<CoreApi, 'outputs.inspect' | 'files.inspect'> {
  const answer = async ({ inspection, record }: Interpreted): Promise<Result<Inspection>> =>
    ok({ ...inspection, restore: await restoreOf(record, providers), ...(record?.grid ? { grid: record.grid } : {}) })

  return {
    'outputs.inspect': async ({ id }) => {
      const read = await inspectOutput(id)
      return read.ok ? answer(read.value) : read
    },
    'files.inspect': async ({ fileName, dataBase64 }) => {
      const bytes = Buffer.from(dataBase64, 'base64')
      if (bytes.length === 0) return err('BAD_INPUT', `${fileName} is empty.`, 'file')
      if (bytes.length > UPLOAD_MAX_BYTES) return err('BAD_INPUT', `${fileName} is over 25 MiB: its settings cannot be read from here.`, 'file')
      return answer(await inspectBytes(fileName, bytes))
    },
  }
}
