import { isAppUrl, type RendererLocation } from './url-policy'

/** The parts of an `IpcMainInvokeEvent` the check reads; `senderFrame` may throw once the frame is gone. */
export interface IpcSenderLike {
  sender: { id: number }
  readonly senderFrame: { readonly parent: unknown; readonly url: string } | null
}

/**
 * Is this IPC message from our window's own page? Only when it comes from our window's `webContents`,
 * from its top frame (the page has no iframes, so a sub-frame asking is refused outright), and that
 * frame shows one of our pages (`isAppUrl`). A frame disposed while the message was in flight is refused.
 */
export function isFromAppFrame(location: RendererLocation, contentsId: number, event: IpcSenderLike): boolean {
  if (event.sender.id !== contentsId) return false
  try {
    const frame = event.senderFrame
    return frame !== null && frame.parent === null && isAppUrl(location, frame.url)
  } catch {
    return false
  }
}
