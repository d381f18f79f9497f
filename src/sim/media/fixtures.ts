import { MOTION_LOOP_MP4_BASE64, MOTION_LOOP_WEBM_BASE64 } from './fixtures/video-fixtures'

export interface VideoFixture {
  filename: string
  contentType: string
  /** VideoHelperSuite's `format` word, which its output items carry. */
  format: string
  bytes: Buffer
}

let cache: VideoFixture[] | undefined

/** The Motion Loop clips (src/sim/media/fixtures), decoded once and shared by every run. */
export function motionLoopClips(): readonly VideoFixture[] {
  cache ??= [
    { filename: 'motion-loop.webm', contentType: 'video/webm', format: 'video/webm', bytes: Buffer.from(MOTION_LOOP_WEBM_BASE64, 'base64') },
    { filename: 'motion-loop.mp4', contentType: 'video/mp4', format: 'video/h264-mp4', bytes: Buffer.from(MOTION_LOOP_MP4_BASE64, 'base64') },
  ]
  return cache
}
