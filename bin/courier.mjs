#!/usr/bin/env node
// The `courier` command (issue 20): the built bundle, or a clear word when it has not been built yet.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bundle = fileURLToPath(new URL('../out/main/courier.js', import.meta.url))
if (!existsSync(bundle)) {
  process.stderr.write(`courier: the command line is not built yet (${bundle}): run npm run build\n`)
  process.exit(3)
}
await import(bundle)
