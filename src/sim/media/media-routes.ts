import { detail, type Route } from '../http/router'
import type { SimStats } from '../stats'
import type { MediaStore } from './media-store'

/** `GET /media/{runId}/{filename}`: where output URLs point. Public, like ComfyDeploy's public bucket links. */
export function mediaRoutes(media: MediaStore, stats: SimStats): Route[] {
  return [
    {
      method: 'GET',
      path: '/media/:runId/:filename',
      handle: (req) => {
        const file = media.get(req.params.runId ?? '', req.params.filename ?? '')
        if (!file) return detail(404, 'Not Found')
        stats.mediaServed++
        return {
          status: 200,
          bytes: file.bytes,
          contentType: file.contentType,
          headers: { 'cache-control': 'public, max-age=3600' },
        }
      },
    },
  ]
}
