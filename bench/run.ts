// `npm run bench`: prints figures, each beside a peer measured in the same run; nothing here passes or fails.
import { benchWebhookLatency } from './webhook-latency'

await benchWebhookLatency()
