import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startComfySim, type ComfySim } from '../../../../sim/comfyui/comfyui-sim'
import { ProviderError } from '../types'
import { ComfyUIClient, promptIdFor, type StoredWorkflow, type WorkflowStore } from './client'

const SIMPLE = {
  '1': { class_type: 'EmptyImage', inputs: { width: 32, height: 32, batch_size: 1, color: 0 } },
  '3': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'unit' } },
}

function memoryStore(): WorkflowStore {
  const items = new Map<string, StoredWorkflow>()
  return { list: () => [...items.values()], get: (id) => items.get(id), add: (w) => void items.set(w.id, w), remove: (id) => items.delete(id) }
}

const hook = (token: string) => `http://127.0.0.1:1/hooks/comfyui/${token}`

describe('ComfyUIClient against the simulator', () => {
  let sim: ComfySim
  let client: ComfyUIClient
  beforeAll(async () => {
    sim = await startComfySim({ nodeMs: 5 })
    client = new ComfyUIClient({ servers: [{ id: 'a', name: 'Box', url: sim.url, headers: {}, usdPerHour: null }], defaultServerId: 'a', workflows: memoryStore(), clientId: 'unit' })
  })
  afterAll(async () => {
    client.dispose()
    await sim.close()
  })

  const addSimple = () => client.addWorkflow({ name: 'Simple', workflowJson: JSON.stringify(SIMPLE) })
  const settle = async (promptId: string, deploymentId: string) => {
    for (let i = 0; i < 200; i++) {
      const snapshot = await client.getRun(promptId, deploymentId)
      if (snapshot.status === 'succeeded' || snapshot.status === 'failed' || snapshot.status === 'cancelled') return snapshot
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error('never settled')
  }

  it('sends the prompt_id derived from the run, so a lost answer is found again (findQueuedRun)', async () => {
    const deployment = await addSimple()
    const { providerRunId } = await client.queue({ deploymentId: deployment.id, inputs: {}, webhookUrl: hook('tok-1') })
    expect(providerRunId).toBe(promptIdFor('tok-1'))
    expect(sim.received.at(-1)?.clientId).toBe('unit')
    expect(await client.findQueuedRun({ deploymentId: deployment.id, inputs: {}, webhookUrl: hook('tok-1'), since: 0 })).toBe(providerRunId)
    expect(await client.findQueuedRun({ deploymentId: deployment.id, inputs: {}, webhookUrl: hook('never-sent'), since: 0 })).toBeNull()
    const done = await settle(providerRunId, deployment.id)
    expect(done.outputs).toEqual([{ url: `${sim.url}/view?filename=unit_00001_.png&subfolder=&type=output`, kind: 'image', filename: 'unit_00001_.png' }])
    expect(done.usage).toMatchObject({ gpu: 'Box', executionOnly: true })
  })

  it('says where a queued prompt stands, refuses to cancel a finished one, and fails a prompt the server forgot (after two looks)', async () => {
    const deployment = await addSimple()
    sim.nodeMs = 200
    const first = await client.queue({ deploymentId: deployment.id, inputs: {}, webhookUrl: hook('tok-2') })
    const second = await client.queue({ deploymentId: deployment.id, inputs: { '1.color': 1 }, webhookUrl: hook('tok-3') })
    expect(await client.getRun(second.providerRunId, deployment.id)).toMatchObject({ status: 'queued', liveStatus: "In Box's queue: 1 ahead" })
    sim.nodeMs = 5
    await settle(first.providerRunId, deployment.id)
    await settle(second.providerRunId, deployment.id)
    const conflict = await client.cancel(first.providerRunId, deployment.id).catch((error: unknown) => error)
    expect(conflict).toBeInstanceOf(ProviderError)
    expect((conflict as ProviderError).code).toBe('CONFLICT')
    expect((await client.getRun('forgotten', deployment.id)).status).toBeNull()
    expect(await client.getRun('forgotten', deployment.id)).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_NOT_FOUND' } })
  })

  it('refuses inputs that are not the workflow’s, or that are links, naming the field', async () => {
    const deployment = await addSimple()
    await expect(client.queue({ deploymentId: deployment.id, inputs: { seed: 1 }, webhookUrl: null })).rejects.toMatchObject({ code: 'BAD_INPUT', details: { field: 'seed' } })
    await expect(client.queue({ deploymentId: deployment.id, inputs: { '3.images': 'x' }, webhookUrl: null })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      details: { field: '3.images' },
      message: expect.stringMatching(/connected to another node/),
    })
    await expect(client.queue({ deploymentId: 'wf_gone', inputs: {}, webhookUrl: null })).rejects.toMatchObject({ code: 'PROVIDER_NOT_FOUND' })
  })

  it('fetches outputs only from the server’s own origin, with its auth', () => {
    expect(client.mediaAccess(`${sim.url}/view?filename=a.png`)).toEqual({ origin: sim.url, headers: {} })
    expect(client.mediaAccess('http://192.168.1.9:8188/view?filename=a.png')).toBeNull()
  })
})
