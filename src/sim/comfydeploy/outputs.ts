import { randomUUID } from 'node:crypto'
import type { SimContext } from '../context'
import { encodeImage } from '../media/encode'
import { motionLoopClips } from '../media/fixtures'
import { largePng } from '../media/large-png'
import { WEBSOCKET_IMAGE_CLASS, type OutputSpec, type SeedDeployment } from './deployments'
import type { CdRunState, MediaItem, OutputItem, RunOutputModel } from './models'

/** The value a run used for an input: what was submitted, else the deployment's default. */
function inputValue(d: SeedDeployment, submitted: Record<string, unknown>, id: string | undefined): unknown {
  if (id === undefined) return ''
  return Object.hasOwn(submitted, id) ? submitted[id] : (d.inputs.find((i) => i.input_id === id)?.default_value ?? '')
}

/** `${prompt}|${seed}|${steps}`: what makes a run's pictures differ (docs/simulator.md). */
export function pictureKey(run: CdRunState): string {
  const d = run.deployment
  const value = (id: string | undefined) => String(inputValue(d, run.submitted, id) ?? '')
  return `${value(d.picture.prompt)}|${value(d.picture.seed)}|${value(d.picture.steps)}`
}

function pictureDetail(run: CdRunState): number {
  const steps = Number(inputValue(run.deployment, run.submitted, run.deployment.picture.steps))
  return Number.isFinite(steps) && steps > 0 ? steps : 20
}

/**
 * Every input as the run received it, for the Every Input deployment's echo: class, type, value, and
 * whether it was submitted or defaulted; keys the deployment does not declare are listed as ignored, as
 * the real service drops them.
 */
export function inputEcho(run: CdRunState): Record<string, unknown> {
  const d = run.deployment
  const inputs: Record<string, unknown> = {}
  for (const spec of d.inputs) {
    if (spec.class_type === WEBSOCKET_IMAGE_CLASS || spec.type === 'binary') continue
    const submitted = Object.hasOwn(run.submitted, spec.input_id)
    const value = submitted ? run.submitted[spec.input_id] : spec.default_value
    inputs[spec.input_id] = {
      class_type: spec.class_type,
      type: spec.type,
      value,
      value_type: Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value,
      source: submitted ? 'submitted' : 'default',
    }
  }
  const declared = new Set(d.inputs.filter((i) => i.type !== 'binary').map((i) => i.input_id))
  return { deployment: d.name, inputs, ignored: Object.keys(run.submitted).filter((k) => !declared.has(k)).sort() }
}

/**
 * Makes one output node's files for a run (comfydeploy.md §8), stores them in the media store and returns
 * the `WorkflowRunOutputModel`. URLs are the public ones; presigning happens when a reply is built.
 */
export async function renderOutput(ctx: SimContext, run: CdRunState, spec: OutputSpec): Promise<RunOutputModel> {
  const base = ctx.baseUrl()
  const isPublic = ctx.faults.expireOutputUrlsAfterMs === null
  const item = (filename: string, extra: Partial<MediaItem> = {}): MediaItem => ({
    url: `${base}/media/${run.id}/${encodeURIComponent(filename)}`,
    type: 'output',
    filename,
    subfolder: '',
    is_public: isPublic,
    upload_duration: 0.12,
    output_id: spec.output_id,
    ...extra,
  })
  const put = (filename: string, bytes: Uint8Array, contentType: string) => ctx.media.put(run.id, filename, { bytes, contentType })
  const numbered = (k: number, ext: string) => `${spec.output_id}_${String(k + 1).padStart(5, '0')}_.${ext}`
  const key = `${pictureKey(run)}|${spec.output_id}`

  let data: Record<string, OutputItem[]>
  switch (spec.kind) {
    case 'png': {
      const images = await Promise.all(
        Array.from({ length: spec.count }, async (_, k) => {
          const filename = numbered(k, 'png')
          put(filename, await ctx.painter.png({ key: `${key}|${k}`, width: spec.width, height: spec.height, detail: pictureDetail(run) }), 'image/png')
          return item(filename)
        }),
      )
      data = { images }
      break
    }
    case 'webp':
    case 'jpeg': {
      const picture = await ctx.painter.pixels({ key: `${key}|0`, width: spec.width, height: spec.height, detail: pictureDetail(run) })
      const filename = numbered(0, spec.kind === 'webp' ? 'webp' : 'jpg')
      put(filename, await encodeImage(picture, spec.kind), spec.kind === 'webp' ? 'image/webp' : 'image/jpeg')
      data = { images: [item(filename)] }
      break
    }
    case 'video': {
      const gifs = motionLoopClips().map((clip) => {
        put(clip.filename, clip.bytes, clip.contentType)
        return item(clip.filename, { format: clip.format })
      })
      data = { gifs }
      break
    }
    case 'manifest': {
      const files = run.outputs.flatMap((o) =>
        Object.entries(o.data).flatMap(([kind, items]) =>
          items.filter((i): i is MediaItem => typeof i !== 'string').map((i) => ({ output_id: o.output_id, kind, filename: i.filename })),
        ),
      )
      const filename = `${spec.output_id}.json`
      put(filename, Buffer.from(`${JSON.stringify({ run_id: run.id, deployment: run.deployment.name, files }, null, 2)}\n`), 'application/json')
      data = { files: [item(filename)] }
      break
    }
    case 'caption': {
      // Saved as a file too, like the echo: strings alone are only shown by the node, never downloaded, so
      // a caption sent only as `text` never reached the library.
      const [prompt, seed] = pictureKey(run).split('|')
      const caption = `${prompt} (seed ${seed}): ${run.outputs.length} outputs on one sheet.`
      const filename = `${spec.output_id}.txt`
      put(filename, Buffer.from(`${caption}\n`), 'text/plain; charset=utf-8')
      data = { text: [caption], text_file: [item(filename)] }
      break
    }
    case 'echo': {
      const text = `${JSON.stringify(inputEcho(run), null, 2)}\n`
      const filename = `${spec.output_id}.txt`
      put(filename, Buffer.from(text), 'text/plain; charset=utf-8')
      data = { text: [text], text_file: [item(filename)] }
      break
    }
    case 'poster': {
      const filename = numbered(0, 'png')
      ctx.media.putLazy(run.id, filename, largePng(ctx.faults.largeOutputBytes, key))
      data = { images: [item(filename)] }
      break
    }
  }
  const at = new Date().toISOString()
  return {
    id: randomUUID(),
    run_id: run.id,
    data,
    node_meta: { node_id: spec.node_id, node_class: spec.class_type },
    created_at: at,
    updated_at: at,
    node_id: spec.node_id,
    output_id: spec.output_id,
  }
}
