import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { externalHttpsUrl, isAppUrl, pageToLoad, resolveRendererLocation } from './url-policy'

const mainDir = join('/opt', 'courier', 'out', 'main')
const files = resolveRendererLocation({ mainDir, devServerUrl: undefined, isPackaged: false }).location
const fileUrl = (...parts: string[]): string => pathToFileURL(join('/opt', 'courier', ...parts)).href

describe('resolveRendererLocation', () => {
  it('uses the built renderer next to the main bundle', () => {
    expect(files).toEqual({
      kind: 'file',
      indexPath: join('/opt', 'courier', 'out', 'renderer', 'index.html'),
      rendererDir: join('/opt', 'courier', 'out', 'renderer'),
    })
  })

  it.each(['http://127.0.0.1:5173/', 'http://localhost:5173/', 'http://[::1]:5173/'])('uses a loopback dev server %s', (url) => {
    const { location, warning } = resolveRendererLocation({ mainDir, devServerUrl: url, isPackaged: false })
    expect(location).toEqual({ kind: 'dev', url, origin: new URL(url).origin })
    expect(warning).toBeUndefined()
  })

  it.each([
    'https://127.0.0.1:5173/',
    'http://192.168.1.5:5173/',
    'http://localhost.example.com/',
    'http://user:pw@localhost:5173/',
    'file:///etc/passwd',
    'not a url',
  ])('falls back to the built files, with a warning, for %s', (url) => {
    const { location, warning } = resolveRendererLocation({ mainDir, devServerUrl: url, isPackaged: false })
    expect(location).toEqual(files)
    expect(warning).toContain('ELECTRON_RENDERER_URL')
  })

  it('never loads a server in a packaged app', () => {
    const { location } = resolveRendererLocation({ mainDir, devServerUrl: 'http://127.0.0.1:5173/', isPackaged: true })
    expect(location).toEqual(files)
  })
})

describe('isAppUrl', () => {
  it('accepts the index page and files under the renderer folder, with hash or query', () => {
    expect(isAppUrl(files, fileUrl('out', 'renderer', 'index.html'))).toBe(true)
    expect(isAppUrl(files, `${fileUrl('out', 'renderer', 'index.html')}#/gallery?x=1`)).toBe(true)
    expect(isAppUrl(files, fileUrl('out', 'renderer', 'assets', 'index-abc.js'))).toBe(true)
  })

  it.each([
    ['a sibling folder sharing the prefix', fileUrl('out', 'renderer-evil', 'index.html')],
    ['the folder above', fileUrl('out', 'main', 'index.js')],
    ['the renderer folder itself', fileUrl('out', 'renderer')],
    ['an escape through dot segments', `${fileUrl('out', 'renderer')}/../../../etc/passwd`],
    ['an encoded slash', `${fileUrl('out', 'renderer')}/..%2F..%2Fsecret`],
    ['a network share', 'file://server/share/out/renderer/index.html'],
    ['a web page', 'https://example.com/'],
    ['about:blank', 'about:blank'],
    ['garbage', '::'],
  ])('refuses %s', (_why, url) => {
    expect(isAppUrl(files, url)).toBe(false)
  })

  it('in development, accepts the dev server origin only', () => {
    const { location: dev } = resolveRendererLocation({ mainDir, devServerUrl: 'http://127.0.0.1:5173/', isPackaged: false })
    expect(isAppUrl(dev, 'http://127.0.0.1:5173/src/main.tsx')).toBe(true)
    expect(isAppUrl(dev, 'http://127.0.0.1:5174/')).toBe(false)
    expect(isAppUrl(dev, 'http://localhost:5173/')).toBe(false)
    expect(isAppUrl(dev, fileUrl('out', 'renderer', 'index.html'))).toBe(false)
  })
})

describe('externalHttpsUrl', () => {
  it('passes parsed https URLs', () => {
    expect(externalHttpsUrl('https://www.comfydeploy.com/docs')).toBe('https://www.comfydeploy.com/docs')
  })

  it.each(['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://u:p@example.com/', 'nope'])(
    'refuses %s',
    (url) => {
      expect(externalHttpsUrl(url)).toBeNull()
    },
  )
})

describe('no remote content: what the window loads', () => {
  const candidates = [
    undefined,
    'http://127.0.0.1:5173/',
    'http://localhost:5173/',
    'http://[::1]:5173/',
    'https://evil.example/',
    'http://evil.example/',
    'http://127.0.0.1.evil.example/',
    'http://localhost@evil.example/',
    'http://10.0.0.5:5173/',
    'ftp://127.0.0.1/',
    'file:///tmp/evil.html',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
  ]

  it.each(candidates.flatMap((url) => [false, true].map((isPackaged) => [url, isPackaged] as const)))(
    'ELECTRON_RENDERER_URL=%j (packaged: %s) loads the built file or a loopback dev server, never anything else',
    (devServerUrl, isPackaged) => {
      const page = pageToLoad(resolveRendererLocation({ mainDir, devServerUrl, isPackaged }).location)
      if (page.kind === 'file') {
        expect(page.path).toBe(join('/opt', 'courier', 'out', 'renderer', 'index.html'))
      } else {
        expect(isPackaged).toBe(false)
        const url = new URL(page.url)
        expect(url.protocol).toBe('http:')
        expect(['127.0.0.1', 'localhost', '[::1]']).toContain(url.hostname)
        expect(url.username).toBe('')
      }
    },
  )

  it('a packaged app always loads its own files', () => {
    for (const devServerUrl of candidates) {
      expect(pageToLoad(resolveRendererLocation({ mainDir, devServerUrl, isPackaged: true }).location).kind).toBe('file')
    }
  })
})
