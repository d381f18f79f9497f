import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isFromAppFrame, type IpcSenderLike } from './ipc-sender'
import { resolveRendererLocation } from './url-policy'

const location = resolveRendererLocation({ mainDir: join('/opt', 'courier', 'out', 'main'), devServerUrl: undefined, isPackaged: false }).location
const appPage = `${pathToFileURL(join('/opt', 'courier', 'out', 'renderer', 'index.html')).href}#/runs`
const OUR_ID = 7

const message = (overrides: { id?: number; frame?: IpcSenderLike['senderFrame'] } = {}): IpcSenderLike => ({
  sender: { id: overrides.id ?? OUR_ID },
  senderFrame: overrides.frame === undefined ? { parent: null, url: appPage } : overrides.frame,
})

describe('isFromAppFrame (IPC sender validation)', () => {
  it("serves our window's top frame showing our page", () => {
    expect(isFromAppFrame(location, OUR_ID, message())).toBe(true)
  })

  it('refuses another webContents, even one showing our page', () => {
    expect(isFromAppFrame(location, OUR_ID, message({ id: 8 }))).toBe(false)
  })

  it('refuses a sub-frame of our window', () => {
    expect(isFromAppFrame(location, OUR_ID, message({ frame: { parent: { url: appPage }, url: appPage } }))).toBe(false)
  })

  it.each(['https://evil.example/', 'about:blank', 'file:///tmp/evil.html', 'data:text/html,x'])('refuses our top frame showing %s', (url) => {
    expect(isFromAppFrame(location, OUR_ID, message({ frame: { parent: null, url } }))).toBe(false)
  })

  it('refuses a message whose frame is gone (null) or was disposed in flight (throws)', () => {
    expect(isFromAppFrame(location, OUR_ID, message({ frame: null }))).toBe(false)
    const disposed: IpcSenderLike = {
      sender: { id: OUR_ID },
      get senderFrame(): IpcSenderLike['senderFrame'] {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed')
      },
    }
    expect(isFromAppFrame(location, OUR_ID, disposed)).toBe(false)
    const urlGone: IpcSenderLike = {
      sender: { id: OUR_ID },
      senderFrame: {
        parent: null,
        get url(): string {
          throw new Error('disposed')
        },
      },
    }
    expect(isFromAppFrame(location, OUR_ID, urlGone)).toBe(false)
  })
})
