import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe } from 'vitest'
import { freePort } from '../support/core-fixture'
import { comfyuiSuite, SIMPLE } from '../support/comfyui-suite'

/**
 * The same checks as `comfyui-run.test.ts`, against the REAL ComfyUI (0.8.0, CPU only, no models) installed
 * by `../shared/tools/comfyui/setup.sh` in `COMFYUI_TEST_DIR` (default /work/comfyui). CI does not have it:
 * the file is skipped there, saying why.
 */
const dir = process.env.COMFYUI_TEST_DIR ?? '/work/comfyui'
const runScript = process.env.COMFYUI_RUN_SCRIPT ?? '/work/shared/tools/comfyui/run.sh'
const missing = !existsSync(`${dir}/venv/bin/python`)
  ? `no ComfyUI test server at ${dir} (run ../shared/tools/comfyui/setup.sh ${dir}, or set COMFYUI_TEST_DIR)`
  : !existsSync(runScript)
    ? `no run script at ${runScript} (set COMFYUI_RUN_SCRIPT)`
    : null

async function startReal(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn('bash', [runScript, dir, String(port)], { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)))
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 100_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ComfyUI exited (${child.exitCode}):\n${log}`)
    const up = await fetch(`${url}/system_stats`).then((r) => r.ok, () => false)
    if (up) return { url, child }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  process.kill(-child.pid!, 'SIGTERM')
  throw new Error(`ComfyUI did not answer /system_stats within 100 s:\n${log}`)
}

if (missing) console.warn(`comfyui-real.test.ts skipped: ${missing}`)

describe.skipIf(missing !== null)(`your own ComfyUI, against the real server${missing ? ` (skipped: ${missing})` : ''}`, () => {
  comfyuiSuite(async () => {
    const { url, child } = await startReal()
    // Two strong blurs of a 768² image: some 5 s on a shared CPU, long enough to cancel while it runs.
    const files: string[] = []
    let color = Math.floor(Math.random() * 1_000_000)
    const slow = () => ({
      '1': { class_type: 'EmptyImage', inputs: { width: 768, height: 768, batch_size: 1, color: color++ } },
      '2': { class_type: 'ImageBlur', inputs: { image: ['1', 0], blur_radius: 31, sigma: 10 } },
      '4': { class_type: 'ImageBlur', inputs: { image: ['2', 0], blur_radius: 31, sigma: 9 } },
      '3': { ...SIMPLE['3']!, inputs: { images: ['4', 0], filename_prefix: 'slow' } },
    })
    return {
      url,
      slow,
      runTimeoutMs: 90_000,
      saveWorkflow: async (file, text) => {
        const saved = await fetch(`${url}/api/userdata/${encodeURIComponent(`workflows/${file}`)}?overwrite=true`, { method: 'POST', body: text })
        if (!saved.ok) throw new Error(`saving the workflow answered HTTP ${saved.status}`)
        files.push(file)
      },
      close: async () => {
        // The test server's user folder is left as it was found.
        for (const file of files) await fetch(`${url}/api/userdata/${encodeURIComponent(`workflows/${file}`)}`, { method: 'DELETE' }).catch(() => {})
        process.kill(-child.pid!, 'SIGTERM')
        await new Promise((resolve) => child.once('exit', resolve))
      },
    }
  })
})
