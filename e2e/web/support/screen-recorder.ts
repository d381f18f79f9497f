import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Page } from '@playwright/test'

const run = promisify(execFile)

/** The system's ffmpeg (Debian's has libvpx), or null. Playwright's own `recordVideo` wants its separate download. */
export function findFfmpeg(): string | null {
  const candidates = [process.env.FFMPEG, '/usr/bin/ffmpeg', '/usr/local/bin/ffmpeg', '/opt/homebrew/bin/ffmpeg']
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path)) ?? null
}

interface Frame {
  jpeg: Buffer
  /** Seconds, from the browser's clock. */
  at: number
}

export interface ScreenRecording {
  /** Stops and encodes what was recorded to a WebM (VP9) at `fps` frames per second. */
  saveAs(file: string, fps?: number): Promise<void>
}

/**
 * Records a Chromium page through the DevTools screencast. Frames come only when the page repaints, so the
 * video is rebuilt at a steady rate by holding each frame until the next one.
 */
export async function recordScreen(page: Page, ffmpeg: string): Promise<ScreenRecording> {
  const cdp = await page.context().newCDPSession(page)
  const frames: Frame[] = []
  cdp.on('Page.screencastFrame', ({ data, metadata, sessionId }) => {
    frames.push({ jpeg: Buffer.from(data, 'base64'), at: metadata.timestamp ?? Date.now() / 1000 })
    void cdp.send('Page.screencastFrameAck', { sessionId }).catch(() => {})
  })
  const size = page.viewportSize() ?? { width: 1280, height: 800 }
  await cdp.send('Page.startScreencast', { format: 'jpeg', quality: 85, maxWidth: size.width, maxHeight: size.height })

  return {
    async saveAs(file, fps = 12) {
      await cdp.send('Page.stopScreencast')
      await cdp.detach()
      const first = frames[0]
      const last = frames[frames.length - 1]
      if (first === undefined || last === undefined) throw new Error('the screencast sent no frames')
      const dir = await mkdtemp(join(tmpdir(), 'courier-frames-'))
      try {
        // One more second on the last frame, so the video does not stop on the instant it got there.
        const count = Math.ceil((last.at - first.at + 1) * fps)
        let shown = 0
        for (let i = 0; i < count; i++) {
          const t = first.at + i / fps
          while (shown + 1 < frames.length && (frames[shown + 1]?.at ?? Infinity) <= t) shown++
          await writeFile(join(dir, `f${String(i).padStart(5, '0')}.jpg`), frames[shown]!.jpeg)
        }
        await run(ffmpeg, [
          '-hide_banner',
          '-loglevel',
          'error',
          '-y',
          '-framerate',
          String(fps),
          '-i',
          join(dir, 'f%05d.jpg'),
          '-c:v',
          'libvpx-vp9',
          '-b:v',
          '0',
          '-crf',
          '42',
          '-row-mt',
          '1',
          '-deadline',
          'good',
          '-cpu-used',
          '4',
          '-pix_fmt',
          'yuv420p',
          '-an',
          file,
        ])
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    },
  }
}

/**
 * An animated GIF of a recorded video, for places that show no video inline (a README): 8 frames a second,
 * `width` px wide, one 128-colour palette made for the whole clip.
 */
export async function gifOf(ffmpeg: string, video: string, gif: string, width = 800): Promise<void> {
  const filter = `fps=8,scale=${width}:-1:flags=lanczos,split[a][b];[a]palettegen=max_colors=128:stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle`
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-i', video, '-vf', filter, '-loop', '0', gif])
}
