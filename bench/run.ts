// `npm run bench`: prints figures, each beside a peer measured in the same run; nothing here passes or fails.
import { benchListenerThroughput } from './listener-throughput'
import { benchWebhookLatency } from './webhook-latency'

await benchWebhookLatency()
console.log('')
await benchListenerThroughput()
await import('./gallery').then(({ benchGallery }) => (console.log(''), benchGallery()))
await import('./download').then(({ benchDownload }) => (console.log(''), benchDownload()))
