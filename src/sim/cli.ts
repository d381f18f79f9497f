/**
 * `npm run sim`: the simulator as a stand-alone process. Prints one JSON line `{"event":"ready","url":…}` on
 * stdout once listening (fixtures wait for it); everything else goes to stderr so stdout stays parseable.
 */
import { parseArgs } from 'node:util'
import { startComfySim } from './comfyui/comfyui-sim'
import { startSim } from './index'

const DEFAULT_PORT = 4010

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n`)
  process.exit(2)
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'time-scale': { type: 'string' },
        'machine-concurrency': { type: 'string' },
        quiet: { type: 'boolean', default: false },
      },
      strict: true,
    })
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error))
  }
})()

const port = values.port === undefined ? DEFAULT_PORT : Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0…65535, got ${values.port}`)
const timeScale = values['time-scale'] === undefined ? 1 : Number(values['time-scale'])
if (!Number.isFinite(timeScale) || timeScale < 0) fail(`--time-scale must be a number ≥ 0, got ${values['time-scale']}`)

const machineConcurrency = values['machine-concurrency'] === undefined ? undefined : Number(values['machine-concurrency'])
if (machineConcurrency !== undefined && !(Number.isInteger(machineConcurrency) && machineConcurrency >= 1)) {
  fail(`--machine-concurrency must be a whole number ≥ 1, got ${values['machine-concurrency']}`)
}

const sim = await startSim({
  port,
  host: values.host ?? '127.0.0.1',
  timeScale,
  ...(machineConcurrency !== undefined ? { machineConcurrency } : {}),
  log: values.quiet ? undefined : (line) => process.stderr.write(`[sim] ${line}\n`),
}).catch((error: unknown) => fail(`cannot start: ${error instanceof Error ? error.message : String(error)}`))

// Your own ComfyUI, simulated too (issue 19): on a port of its own, since ComfyUI's routes sit at the root.
const comfy = await startComfySim({ port: 0, host: values.host ?? '127.0.0.1', nodeMs: Math.round(200 * timeScale) }).catch((error: unknown) =>
  fail(`cannot start the ComfyUI simulator: ${error instanceof Error ? error.message : String(error)}`),
)

process.stdout.write(`${JSON.stringify({ event: 'ready', url: sim.url, comfyuiUrl: comfy.url })}\n`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    Promise.all([sim.close(), comfy.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
