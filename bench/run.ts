// `npm run bench`: prints figures, each beside a peer measured in the same run; nothing here passes or fails.
// `npm run bench -- download` (or webhook, listener, gallery, import, grid) runs only the benches whose name matches.
const only = process.argv[2]
const benches: { name: string; run: () => Promise<void> }[] = [
  { name: 'webhook-latency', run: async () => (await import('./webhook-latency')).benchWebhookLatency() },
  { name: 'listener-throughput', run: async () => (await import('./listener-throughput')).benchListenerThroughput() },
  { name: 'gallery', run: async () => (await import('./gallery')).benchGallery() },
  { name: 'download', run: async () => (await import('./download')).benchDownload() },
  { name: 'import', run: async () => (await import('./import')).benchImport() },
  { name: 'grid', run: async () => (await import('./grid')).benchGrid() },
]
const chosen = benches.filter((bench) => !only || bench.name.includes(only))
if (chosen.length === 0) throw new Error(`no bench matches "${only}": ${benches.map((b) => b.name).join(', ')}`)
for (const [i, bench] of chosen.entries()) {
  if (i > 0) console.log('')
  await bench.run()
}

export {}
