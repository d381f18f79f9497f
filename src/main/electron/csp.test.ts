import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cspFromHtml, cspProblems, parseCsp } from './csp'

const indexHtml = readFileSync(join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8')

describe("the renderer's Content-Security-Policy (src/renderer/index.html)", () => {
  const policy = cspFromHtml(indexHtml)

  it('is present as a <meta> tag', () => {
    expect(policy).toEqual(expect.any(String))
  })

  it("has no 'unsafe-eval', no inline or remote scripts, no plugins, and no network connections", () => {
    expect(cspProblems(policy ?? '')).toEqual([])
  })

  it("loads scripts from the app's own files only and media from courier-media: and the page", () => {
    const directives = parseCsp(policy ?? '')
    expect(directives.get('default-src')).toEqual(["'self'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(directives.get('img-src')).toContain('courier-media:')
  })
})

describe('cspProblems', () => {
  it.each([
    ["default-src 'self'; script-src 'self' 'unsafe-eval'; object-src 'none'; base-uri 'none'", "script-src allows 'unsafe-eval'"],
    ["default-src 'self' 'unsafe-eval'; object-src 'none'; base-uri 'none'", "default-src allows 'unsafe-eval'"],
    ["default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'", "script-src allows 'unsafe-inline'"],
    ["default-src 'self'; script-src 'self' https://cdn.example.com; object-src 'none'; base-uri 'none'", 'script-src allows remote code: https://cdn.example.com'],
    ["default-src 'self'; script-src 'self' cdn.example.com; object-src 'none'; base-uri 'none'", 'script-src allows remote code: cdn.example.com'],
    ["default-src *; object-src 'none'; base-uri 'none'", 'script-src allows remote code: *'],
    ["default-src 'self'; base-uri 'none'", "object-src is not 'none'"],
    ["default-src 'self'; object-src 'none'; connect-src 'self' https:; base-uri 'none'", 'connect-src reaches the network: https:'],
    ["default-src 'self'; object-src 'none'", 'base-uri is not restricted'],
    ["script-src 'self'; object-src 'none'; connect-src 'self'; base-uri 'none'", 'no default-src'],
  ])('flags %j', (policy, problem) => {
    expect(cspProblems(policy)).toContain(problem)
  })

  it('reads the policy from the meta tag whatever the attribute order or quotes', () => {
    expect(cspFromHtml(`<meta content='default-src x' http-equiv='content-security-policy'>`)).toBe('default-src x')
    expect(cspFromHtml('<meta charset="utf-8"><title>x</title>')).toBeNull()
  })
})
