import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { navigationRules, openExternalSafely, type NavigationEvent } from './navigation-rules'
import { resolveRendererLocation } from './url-policy'

const mainDir = join('/opt', 'courier', 'out', 'main')
const location = resolveRendererLocation({ mainDir, devServerUrl: undefined, isPackaged: false }).location
const appPage = pathToFileURL(join('/opt', 'courier', 'out', 'renderer', 'index.html')).href

/** A navigation event that remembers whether it was cancelled, as Electron's does. */
function navigation(url: string, isMainFrame?: boolean): NavigationEvent & { prevented: boolean } {
  const event = {
    url,
    prevented: false,
    preventDefault() {
      event.prevented = true
    },
    ...(isMainFrame === undefined ? {} : { isMainFrame }),
  }
  return event
}

function setup() {
  const opened: string[] = []
  const logs: string[] = []
  const rules = navigationRules(
    location,
    async (url) => {
      opened.push(url)
    },
    (line) => logs.push(line),
  )
  return { rules, opened, logs }
}

const FOREIGN = [
  'https://evil.example/phish',
  'http://example.com/',
  'file:///etc/passwd',
  pathToFileURL(join('/opt', 'courier', 'out', 'renderer-evil', 'index.html')).href,
  'javascript:alert(1)',
  'data:text/html,<script>1</script>',
  'courier-media://output/abc',
  'about:blank',
]

describe('navigation rules', () => {
  it('lets the window move between its own pages', () => {
    const { rules, opened } = setup()
    const event = navigation(`${appPage}#/gallery`)
    rules.willNavigate(event)
    expect(event.prevented).toBe(false)
    expect(opened).toEqual([])
  })

  it.each(FOREIGN)('cancels the main frame navigating to %s', (url) => {
    const { rules } = setup()
    const event = navigation(url)
    rules.willNavigate(event)
    expect(event.prevented).toBe(true)
  })

  it('hands a clicked https link to the OS browser, and nothing else', () => {
    const { rules, opened, logs } = setup()
    for (const url of ['https://www.comfydeploy.com/docs', 'http://example.com/', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)']) {
      rules.willNavigate(navigation(url))
    }
    expect(opened).toEqual(['https://www.comfydeploy.com/docs'])
    expect(logs.filter((line) => line.startsWith('blocked navigation'))).toHaveLength(4)
  })

  it.each(FOREIGN)('cancels a redirect to %s and opens nothing', (url) => {
    const { rules, opened } = setup()
    const event = navigation(url)
    rules.willRedirect(event)
    expect(event.prevented).toBe(true)
    expect(opened).toEqual([])
  })

  it('cancels a sub-frame navigating anywhere but our pages, and leaves the main frame to will-navigate', () => {
    const { rules, opened } = setup()
    const sub = navigation('https://evil.example/', false)
    rules.willFrameNavigate(sub)
    expect(sub.prevented).toBe(true)
    const ours = navigation(appPage, false)
    rules.willFrameNavigate(ours)
    expect(ours.prevented).toBe(false)
    const main = navigation('https://evil.example/', true)
    rules.willFrameNavigate(main)
    expect(main.prevented).toBe(false)
    expect(opened).toEqual([])
  })

  it('denies every window.open, our own pages included; an https one opens in the OS browser', () => {
    const { rules, opened } = setup()
    for (const url of [appPage, 'about:blank', 'https://example.com/', 'http://example.com/', 'file:///etc/passwd']) {
      expect(rules.windowOpen({ url })).toEqual({ action: 'deny' })
    }
    expect(opened).toEqual(['https://example.com/'])
  })

  it('refuses to attach a webview', () => {
    const { rules } = setup()
    const event = navigation('about:blank')
    rules.willAttachWebview(event)
    expect(event.prevented).toBe(true)
  })
})

describe('openExternalSafely', () => {
  it('passes the re-serialized https URL and reports a failure to open it in the log', async () => {
    const logs: string[] = []
    const seen: string[] = []
    const handed = openExternalSafely(
      'https://EXAMPLE.com/a b',
      async (url) => {
        seen.push(url)
        throw new Error('no browser')
      },
      (line) => logs.push(line),
    )
    expect(handed).toBe(true)
    expect(seen).toEqual(['https://example.com/a%20b'])
    await Promise.resolve()
    await Promise.resolve()
    expect(logs).toEqual(['could not open https://example.com/a%20b: Error: no browser'])
  })

  it.each(['http://example.com/', 'file:///C:/Windows/system32/calc.exe', 'ms-settings:', 'https://user:pw@example.com/', 'vbscript:x', ''])(
    'never hands %j to the OS',
    (url) => {
      const seen: string[] = []
      expect(openExternalSafely(url, async (u) => void seen.push(u), () => {})).toBe(false)
      expect(seen).toEqual([])
    },
  )
})
