import { describe, expect, it } from 'vitest'
import { OutputId } from '@shared/output'
import { httpCourier } from './http-courier'
import { ARCHIVE_MAX_FILES, archiveUrl, downloadUrl, thumbUrl } from './media-url'

describe('thumbnail URLs', () => {
  it('web mode: the file route with ?thumb=1', () => {
    expect(thumbUrl(httpCourier(), OutputId.parse('o_a b'))).toBe('/media/o_a%20b?thumb=1')
  })

  it('desktop: courier-media://thumb/{id}', () => {
    const desktop = { mediaUrl: (id: string) => `courier-media://output/${encodeURIComponent(id)}` }
    expect(thumbUrl(desktop, OutputId.parse('o_a/b'))).toBe('courier-media://thumb/o_a%2Fb')
  })
})

describe('download and archive URLs', () => {
  const desktop = { mediaUrl: (id: string) => `courier-media://output/${encodeURIComponent(id)}` }

  it('web mode: the file route with ?download=1, and /archive for several or a batch', () => {
    expect(downloadUrl(httpCourier(), OutputId.parse('o_a b'))).toBe('/media/o_a%20b?download=1')
    expect(archiveUrl(httpCourier(), { ids: ['o_1', 'o_2'] })).toBe('/archive?ids=o_1,o_2')
    expect(archiveUrl(httpCourier(), { batchId: 'b 1' })).toBe('/archive?batch=b%201')
  })

  it('none for an empty selection or one over the limit', () => {
    expect(archiveUrl(httpCourier(), { ids: [] })).toBeNull()
    expect(archiveUrl(httpCourier(), { ids: Array.from({ length: ARCHIVE_MAX_FILES + 1 }, (_, i) => `o_${i}`) })).toBeNull()
  })

  it('none in the desktop app', () => {
    expect(downloadUrl(desktop, OutputId.parse('o_1'))).toBeNull()
    expect(archiveUrl(desktop, { ids: ['o_1'] })).toBeNull()
  })
})
