import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliDocs } from '../../src/cli/docs'

describe('docs/cli.md', () => {
  it('is the parser\'s own help, as `npm run docs:cli` writes it', () => {
    const written = readFileSync(join(import.meta.dirname, '../../docs/cli.md'), 'utf8')
    expect(written, 'docs/cli.md differs from the parser: run npm run docs:cli').toBe(cliDocs())
  })
})
