/**
 * `uploads.fromOutput` (issue 15, item 11): a saved output goes on to a service as an input's file without a
 * trip through the file system. The bytes the service receives are the file's own; the file is confined to
 * the library as `/media/{id}` is, and held to the form's upload size.
 */
import { readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { OutputId } from '../../src/shared/output'
import { DEPLOYMENT_IDS } from '../../src/sim/index'
import { useSimAndCores } from '../support/sim-and-cores'

describe('a saved output used as an input', () => {
  const rig = useSimAndCores()

  /** A core with the Demo and the ComfyDeploy simulator, and one Demo run's two saved outputs. */
  async function coreWithOutputs() {
    const t = await rig.start({ env: { COMFYDEPLOY_API_URL: `${rig.sim.url}/api`, COMFYDEPLOY_API_KEY: 'sk-test-key' } })
    const run = await t.call('runs.submit', { provider: 'demo', deploymentId: DEPLOYMENT_IDS.dreamscape, inputs: { positive_prompt: 'a lighthouse at dusk', seed: 42 } })
    await t.waitForRun(run.id, (r) => r.status === 'succeeded' && r.outputs === 'saved', 20_000)
    const outputs = await t.call('outputs.list', { runId: run.id })
    expect(outputs.length).toBeGreaterThan(0)
    return { t, outputs }
  }

  it('uploads the file’s exact bytes and reports progress; the URL runs like any input', async () => {
    const { t, outputs } = await coreWithOutputs()
    const image = outputs.find((o) => o.kind === 'image')!
    const onDisk = await readFile(join(t.libraryDir, image.path))
    const upload = await t.call('uploads.fromOutput', { provider: 'comfydeploy', outputId: image.id, uploadId: 'chain-1' })
    expect(upload.bytes).toBe(onDisk.length)
    expect(upload.value).toMatch(new RegExp(`^${rig.sim.url}/media/uploads/img_`))
    expect(Buffer.from(await (await fetch(upload.value)).arrayBuffer()).equals(onDisk)).toBe(true)
    const steps = t.seen.flatMap((e) => (e.type === 'upload.progress' && e.progress.uploadId === 'chain-1' ? [e.progress] : []))
    expect(steps.at(-1)?.sentBytes).toBe(steps.at(-1)?.totalBytes)

    // The uploaded URL runs like any other input value.
    const run = await t.call('runs.submit', { provider: 'comfydeploy', deploymentId: DEPLOYMENT_IDS.everyInput, inputs: { input_image: upload.value } })
    await t.waitForRun(run.id, (r) => r.status === 'succeeded', 30_000)
  })

  it('says plainly why an output cannot be sent: unknown, gone, linked out of the library, too big, empty', async () => {
    const { t, outputs } = await coreWithOutputs()
    const [first] = outputs
    const refusal = async (outputId: string) => {
      const result = await t.core.call('uploads.fromOutput', { provider: 'comfydeploy', outputId: outputId as OutputId })
      expect(result.ok).toBe(false)
      return result.ok ? null : result.error
    }
    const sent = rig.sim.stats().filesUploaded

    expect(await refusal('o_missing')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no output o_missing') })

    const file = join(t.libraryDir, first!.path)
    await writeFile(file, '')
    expect(await refusal(first!.id)).toMatchObject({ code: 'BAD_INPUT', message: 'The file of this output is empty.' })
    await truncate(file, 25 * 1024 * 1024 + 1)
    expect(await refusal(first!.id)).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/is 25\.0 MiB; files over 25 MiB cannot be used as an input/) })
    await rm(file)
    expect(await refusal(first!.id)).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no longer on disk') })

    // A file that became a link to something outside the library is never read, let alone sent.
    const secret = join(t.dataDir, 'secret.png')
    await writeFile(secret, 'secret')
    await symlink(secret, file)
    expect(await refusal(first!.id)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('not inside the library folder') })

    expect(rig.sim.stats().filesUploaded).toBe(sent)
  })

  it('refuses a provider that is not set up, and ids shaped like paths', async () => {
    const t = await rig.start({})
    const runcomfy = await t.core.call('uploads.fromOutput', { provider: 'runcomfy', outputId: 'o_1' as OutputId })
    expect(runcomfy).toMatchObject({ ok: false, error: { code: 'NOT_CONFIGURED' } })
    const pathLike = await t.core.invoke('uploads.fromOutput', { provider: 'demo', outputId: '../../courier.db' })
    expect(pathLike).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })
})
