import { describe, expect, it } from 'vitest'
import { RecentPictures } from './recent-pictures'

const picture = (bytes: number) => ({ width: bytes / 3, height: 1, channels: 3, pixels: Buffer.alloc(bytes) })

describe('RecentPictures', () => {
  it('gives each picture once, by its file however the path is written', () => {
    const recent = new RecentPictures()
    const kept = picture(30)
    recent.remember('/lib/day/a.png', kept)
    expect(recent.take('/lib/day/../day/a.png')).toBe(kept)
    expect(recent.take('/lib/day/a.png')).toBeUndefined()
    expect(recent.take('/lib/day/b.png')).toBeUndefined()
  })

  it('lets the oldest go when it holds too much, and never holds one larger than all it may', () => {
    const recent = new RecentPictures(90)
    recent.remember('/a', picture(30))
    recent.remember('/b', picture(30))
    recent.remember('/c', picture(30))
    recent.remember('/a', picture(30)) // again: now the newest, nothing let go
    recent.remember('/d', picture(30)) // /b, the oldest, goes
    expect(['/a', '/b', '/c', '/d'].map((file) => recent.take(file) !== undefined)).toEqual([true, false, true, true])
    recent.remember('/huge', picture(93))
    expect(recent.take('/huge')).toBeUndefined()
    // Room was made again as they were taken.
    recent.remember('/e', picture(90))
    expect(recent.take('/e')).toBeDefined()
  })
})
