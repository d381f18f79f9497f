import { describe, expect, it } from 'vitest'
import { loadMemory, saveMemory } from './form-memory'

class MemoryStorage implements Storage {
  private data = new Map<string, string>()
  get length() {
    return this.data.size
  }
  clear() {
    this.data.clear()
  }
  getItem(k: string) {
    return this.data.get(k) ?? null
  }
  key(i: number) {
    return [...this.data.keys()][i] ?? null
  }
  removeItem(k: string) {
    this.data.delete(k)
  }
  setItem(k: string, v: string) {
    this.data.set(k, v)
  }
}

describe('form memory', () => {
  it('round-trips what it saved', () => {
    const storage = new MemoryStorage()
    const memory = { provider: 'demo' as const, lastDeployment: { demo: 'txt2img' }, drafts: { 'demo/txt2img': { values: { prompt: 'x', hires: true }, randomEachRun: { seed: true } } } }
    saveMemory(storage, memory)
    expect(loadMemory(storage)).toEqual(memory)
  })

  it('drops anything it cannot trust', () => {
    const storage = new MemoryStorage()
    storage.setItem('comfy-courier.generate.v1', JSON.stringify({ provider: 'evil', lastDeployment: { nope: 'x', demo: 3 }, drafts: { a: { values: { n: 3, s: 's' } }, b: 'junk' } }))
    expect(loadMemory(storage)).toEqual({ provider: null, lastDeployment: {}, drafts: { a: { values: { s: 's' }, randomEachRun: {} } } })
    storage.setItem('comfy-courier.generate.v1', '{not json')
    expect(loadMemory(storage)).toEqual({ provider: null, lastDeployment: {}, drafts: {} })
    expect(loadMemory(null)).toEqual({ provider: null, lastDeployment: {}, drafts: {} })
  })

  it('does not remember a file inlined as a huge data URI, and still saves the rest', () => {
    const storage = new MemoryStorage()
    const huge = `data:image/png;base64,${'A'.repeat(100_000)}`
    saveMemory(storage, { provider: 'runcomfy', lastDeployment: {}, drafts: { 'runcomfy/x': { values: { '10.image': huge, '6.text': 'waves' }, randomEachRun: {} } } })
    expect(loadMemory(storage).drafts['runcomfy/x']?.values).toEqual({ '6.text': 'waves' })
  })
})
