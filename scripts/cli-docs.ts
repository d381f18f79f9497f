// `npm run docs:cli`: writes docs/cli.md from the `courier` parser's help (test/cli/cli-docs.test.ts checks it).
import { writeFileSync } from 'node:fs'
import { cliDocs } from '../src/cli/docs'

writeFileSync(new URL('../docs/cli.md', import.meta.url), cliDocs())
process.stdout.write('docs/cli.md written\n')
