import { useEffect, useState } from 'react'
import type { Output } from '@shared/output'
import type { Inspection, MetadataSource } from '@shared/provenance'
import type { Failure } from '@shared/result'
import { useCourier, useCourierClient } from '../store/context'
import { outputFileName } from '../store/uploads'
import { clipboardProblem, copyText } from './clipboard'
import { ErrorNotice } from './ErrorNotice'
import { Icon } from './Icon'

/** Whose data the file carries, as a sentence. */
const sourceText: Record<MetadataSource, string> = {
  courier: 'Written by Comfy Courier: the deployment it was made with, and every input.',
  comfyui: 'Written by ComfyUI: its workflow, and the graph it ran.',
  a1111: 'Written by AUTOMATIC1111 (or a tool that writes its parameters).',
  swarmui: 'Written by SwarmUI.',
  invokeai: 'Written by InvokeAI.',
}

/** The file name a saved workflow gets: ComfyUI opens it when it is dropped on it. */
const workflowFileName = (output: Output): string => `${outputFileName(output).replace(/\.[^.]+$/, '')}-workflow.json`

/**
 * "How it was made", in the lightbox: what the file itself says (`outputs.inspect`), whoever wrote it, with
 * Use these settings (the form filled from it), Copy workflow and Save workflow JSON (ComfyUI opens that file).
 */
export function GenerationData({ output, onUse }: { output: Output; onUse(): void }) {
  const client = useCourierClient()
  const applyFileSettings = useCourier((s) => s.generate.applyFileSettings)
  const toast = useCourier((s) => s.toasts.show)
  const [state, setState] = useState<{ id: string; data: Inspection } | { id: string; error: Failure } | null>(null)

  useEffect(() => {
    let live = true
    void client.invoke('outputs.inspect', { id: output.id }).then((res) => {
      if (live) setState(res.ok ? { id: output.id, data: res.value } : { id: output.id, error: res.error })
    })
    return () => {
      live = false
    }
  }, [client, output.id])

  const current = state?.id === output.id ? state : null
  if (current === null) return <p className="muted lightbox__gen-loading">Reading how it was made…</p>
  if ('error' in current) return <ErrorNotice error={current.error} className="notice--compact" />
  const { data } = current
  const workflow = data.workflow ?? data.apiGraph

  const copyWorkflow = async () => {
    if (workflow === null) return
    try {
      await copyText(workflow)
      toast({ tone: 'info', text: 'Workflow copied: paste it into ComfyUI.' })
    } catch (cause) {
      toast({ tone: 'error', text: `Could not copy the workflow: ${clipboardProblem(cause)}.` })
    }
  }
  const saveWorkflow = () => {
    if (workflow === null) return
    const url = URL.createObjectURL(new Blob([workflow], { type: 'application/json' }))
    const link = document.createElement('a')
    link.href = url
    link.download = workflowFileName(output)
    link.click()
    // The download has its own copy once started; the URL is freed after the click has been handled.
    setTimeout(() => URL.revokeObjectURL(url), 0)
  }

  const facts: [string, string | null][] = [
    ['Negative prompt', data.negativePrompt],
    ['Steps', data.steps === null ? null : String(data.steps)],
    ['CFG scale', data.cfg === null ? null : String(data.cfg)],
    ['Sampler', data.sampler],
    ['Size', data.width !== null && data.height !== null ? `${data.width} × ${data.height}` : null],
    ['Model', data.model],
  ]
  // Our own files list every input under Inputs already: the facts would only say it twice.
  const shown = data.source === 'courier' ? [] : facts.filter((fact): fact is [string, string] => fact[1] !== null)

  return (
    <section className="lightbox__gen" aria-labelledby={`gen-${output.id}`}>
      <h3 className="lightbox__label" id={`gen-${output.id}`}>
        How it was made
      </h3>
      <p className="lightbox__gen-source">{data.source === null ? 'This file holds no generation data.' : sourceText[data.source]}</p>
      {shown.length > 0 && (
        <dl className="lightbox__inputs" aria-label="Generation data">
          {shown.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {(data.source !== null || workflow !== null) && (
        <div className="lightbox__actions" role="group" aria-label="Generation data actions">
          {data.source !== null && (
            <button
              type="button"
              className="btn btn--small"
              onClick={() => {
                onUse()
                applyFileSettings(data, outputFileName(output))
              }}
            >
              <Icon name="useInput" size={16} />
              Use these settings
            </button>
          )}
          {workflow !== null && (
            <>
              <button type="button" className="btn btn--small" onClick={() => void copyWorkflow()}>
                <Icon name="copy" size={16} />
                Copy workflow
              </button>
              <button type="button" className="btn btn--small" onClick={saveWorkflow} title="A JSON file ComfyUI opens when you drop it on its canvas">
                <Icon name="download" size={16} />
                Save workflow JSON
              </button>
            </>
          )}
        </div>
      )}
    </section>
  )
}
