/**
 * Reads a Content-Security-Policy and names what would weaken it. Used by `csp.test.ts` on the policy
 * in `src/renderer/index.html` (the page is loaded from `file://`, so the `<meta>` tag is the policy;
 * there is no response header to add) and by the e2e spec on the live page.
 */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>()
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    // The first occurrence of a directive wins; browsers ignore repeats.
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources)
  }
  return directives
}

/** The sources a fetch directive falls back to when it is absent (CSP3 §6.8.3, the parts we rely on). */
function effective(directives: Map<string, string[]>, name: string): string[] | undefined {
  const chain: Record<string, string[]> = {
    'script-src': ['script-src', 'default-src'],
    'object-src': ['object-src', 'default-src'],
    'frame-src': ['frame-src', 'child-src', 'default-src'],
    'connect-src': ['connect-src', 'default-src'],
  }
  for (const candidate of chain[name] ?? [name]) {
    const sources = directives.get(candidate)
    if (sources) return sources
  }
  return undefined
}

/** Sources that let a page load or run code from the network, or let strings become code. */
const REMOTE = /^(?:\*|https?:|wss?:|https?:\/\/|\*\.|[a-z0-9.-]+\.[a-z]{2,}(?::\d+)?$)/i

export function cspProblems(policy: string): string[] {
  const directives = parseCsp(policy)
  const problems: string[] = []
  for (const [name, sources] of directives) {
    if (sources.includes("'unsafe-eval'")) problems.push(`${name} allows 'unsafe-eval'`)
    if (sources.includes("'wasm-unsafe-eval'")) problems.push(`${name} allows 'wasm-unsafe-eval'`)
  }
  if (!directives.has('default-src')) problems.push('no default-src')
  const script = effective(directives, 'script-src')
  if (!script) problems.push('no script-src (nor default-src)')
  else {
    if (script.includes("'unsafe-inline'")) problems.push("script-src allows 'unsafe-inline'")
    if (script.includes('data:') || script.includes('blob:')) problems.push('script-src allows data: or blob: scripts')
    const remote = script.filter((source) => REMOTE.test(source))
    if (remote.length > 0) problems.push(`script-src allows remote code: ${remote.join(' ')}`)
  }
  const objects = effective(directives, 'object-src')
  if (!objects || objects.join(' ') !== "'none'") problems.push("object-src is not 'none'")
  const connect = effective(directives, 'connect-src')
  const remoteConnect = (connect ?? []).filter((source) => REMOTE.test(source))
  if (!connect || remoteConnect.length > 0) problems.push(`connect-src reaches the network: ${remoteConnect.join(' ') || '(unset)'}`)
  if (directives.get('base-uri')?.join(' ') !== "'none'" && directives.get('base-uri')?.join(' ') !== "'self'") {
    problems.push('base-uri is not restricted')
  }
  return problems
}

/** The policy of the first `<meta http-equiv="Content-Security-Policy">` in an HTML document, or null. */
export function cspFromHtml(html: string): string | null {
  for (const match of html.matchAll(/<meta\b[^>]*>/gis)) {
    const tag = match[0]
    if (!/http-equiv\s*=\s*["']content-security-policy["']/i.test(tag)) continue
    const content = /\bcontent\s*=\s*"([^"]*)"|\bcontent\s*=\s*'([^']*)'/is.exec(tag)
    if (content) return content[1] ?? content[2] ?? null
  }
  return null
}
