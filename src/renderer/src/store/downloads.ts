import type { DownloadsSlice, SliceContext } from './types'

export function createDownloadsSlice({ patch }: SliceContext): DownloadsSlice {
  return {
    byRun: {},
    receive(progress) {
      patch('downloads', (s) => {
        const current = s.byRun[progress.runId] ?? []
        const next = current.filter((p) => p.index !== progress.index)
        next.push(progress)
        next.sort((a, b) => a.index - b.index)
        return { byRun: { ...s.byRun, [progress.runId]: next } }
      })
    },
  }
}
