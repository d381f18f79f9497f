import { describe, expect, it } from 'vitest'
import { OutputId } from '@shared/output'
import { httpCourier } from './http-courier'
import { thumbUrl } from './media-url'

describe('thumbnail URLs', () => {
  it('web mode: the file route with ?thumb=1', () => {
    expect(thumbUrl(httpCourier(), OutputId.parse('o_a b'))).toBe('/media/o_a%20b?thumb=1')
  })

  it('desktop: courier-media://thumb/{id}', () => {
    const desktop = { mediaUrl: (id: string) => `courier-media://output/${encodeURIComponent(id)}` }
    expect(thumbUrl(desktop, OutputId.parse('o_a/b'))).toBe('courier-media://thumb/o_a%2Fb')
  })
})
