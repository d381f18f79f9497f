import type { NavSlice, SliceContext } from './types'

export function createNavSlice({ patch }: SliceContext): NavSlice {
  return {
    view: 'generate',
    go(view) {
      patch('nav', { view })
    },
  }
}
