import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describePromptError, executionSeconds, hintOf, historyMessages, historyOutputs, readWsMessage } from './messages'

const fixtures = join(__dirname, '../../../../../test/contract/fixtures/comfyui')
const recorded = (name: string) => JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as { status: number; body: Record<string, unknown> }

describe('ComfyUI answers read into ours (recorded from the real server)', () => {
  it('maps a node_errors refusal onto the form field <node>.<input>, with the node’s name and ComfyUI’s words', () => {
    const { status, body } = recorded('prompt_node_errors')
    const prompt = { '1': { class_type: 'EmptyImage', inputs: {}, _meta: { title: 'Canvas' } } }
    expect(describePromptError(status, body, prompt)).toEqual({ code: 'BAD_INPUT', field: '1.width', message: 'Canvas (node 1), input width: Value 0 smaller than min of 1' })
  })

  it('words the prompt-level refusals', () => {
    expect(describePromptError(400, recorded('prompt_no_outputs').body)).toEqual({ code: 'BAD_INPUT', message: 'ComfyUI refused the prompt: Prompt has no outputs' })
    expect(describePromptError(400, recorded('prompt_bad_class').body).message).toBe("ComfyUI refused the prompt: Cannot execute because node NoSuchNode does not exist.: Node ID '#1'")
    expect(describePromptError(502, 'Bad Gateway').message).toBe('ComfyUI answered HTTP 502: Bad Gateway')
  })

  it('reads socket messages as hints: progress over the whole graph, node names, final states', () => {
    const messages = (JSON.parse(readFileSync(join(fixtures, 'ws_messages.json'), 'utf8')) as unknown[]).map((m) => readWsMessage(JSON.stringify(m))!)
    const types = messages.map((m) => m.type)
    expect(types).toEqual(expect.arrayContaining(['status', 'execution_start', 'execution_cached', 'executing', 'executed', 'execution_success', 'execution_error']))
    expect(hintOf(messages.find((m) => m.type === 'execution_start')!)?.hint).toEqual({ status: 'running', liveStatus: 'Started' })
    const executing = messages.find((m) => m.type === 'executing')!
    expect(hintOf({ ...executing, courier: { nodeName: 'Empty Image (node 1)', done: 0, total: 3 } })?.hint).toEqual({ status: 'running', liveStatus: 'Running Empty Image (node 1)', progress: 0 })
    const progress = { type: 'progress', data: { value: 10, max: 20, prompt_id: 'p', node: '3' } }
    expect(hintOf({ ...progress, courier: { nodeName: 'KSampler (node 3)', done: 2, total: 4 } })?.hint).toEqual({ status: 'running', liveStatus: 'KSampler (node 3): 10/20', progress: 0.625 })
    expect(hintOf(messages.find((m) => m.type === 'execution_success')!)?.hint).toEqual({ status: 'succeeded' })
    const failed = hintOf(messages.find((m) => m.type === 'execution_error')!)!.hint
    expect(failed.status).toBe('failed')
    expect(failed.error?.message).toMatch(/^SaveImage \(node 3\) failed \(Exception\): \*\*\*\* ERROR: Saving image outside the output folder/)
    expect(hintOf({ type: 'execution_interrupted', data: { prompt_id: 'p' } })?.hint).toEqual({ status: 'cancelled' })
    expect(hintOf({ type: 'executing', data: { node: null, prompt_id: 'p' } })).toBeNull()
    expect(readWsMessage('not json')).toBeNull()
  })

  it('reads a history entry: saved files, and GPU time from its status timestamps', () => {
    const body = recorded('history_success').body
    const entry = Object.values(body)[0] as Record<string, unknown>
    expect(historyOutputs(entry)).toEqual([{ filename: 'rec_00001_.png', subfolder: '', type: 'output', kind: 'image' }])
    expect(executionSeconds(historyMessages(entry))).toBeCloseTo(0.314, 3)
    const failed = Object.values(recorded('history_error').body)[0] as Record<string, unknown>
    expect(historyMessages(failed).has('execution_error')).toBe(true)
    expect(executionSeconds(historyMessages(failed))).toBeCloseTo(0.008, 3)
  })
})
