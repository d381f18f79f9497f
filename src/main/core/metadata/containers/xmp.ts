import { putFirst } from './bytes'
import { MetadataWriteError } from './write-error'

/**
 * XMP, as far as we need it: find our properties in any packet, and add ours to a packet without touching
 * what other tools put there. Text handling, not an XML parser: we only ever look for our own namespace,
 * and what we write is a fixed shape.
 */

export const COURIER_NS = 'https://comfy-courier.app/ns/1.0/'
const XMP_NOTE_NS = 'http://ns.adobe.com/xmp/note/'
const PREFIX = 'courier'
const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#'

/** XML's five named entities and numeric references; anything else is left as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, name: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }
    if (named[name]) return named[name]
    const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
    return code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole
  })
}

function escapeXml(text: string): string {
  // Control characters other than tab, LF and CR are not allowed in XML 1.0, not even as references (our
  // record is JSON, which escapes them, so only someone else's value can have one).
  const forbidden = [...text].some((ch) => {
    const code = ch.charCodeAt(0)
    return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffe || code === 0xffff
  })
  if (forbidden) throw new MetadataWriteError('a control character XML cannot hold')
  return text
    .replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch)
    .replace(/\r/g, '&#13;') // a parser would turn a raw CR (and CR LF) into LF
}

const NAME_CHAR = /[\w.-]/
const SPACE = /\s/

/** The XML name starting at `at` (empty when there is none). */
function nameAt(text: string, at: number): string {
  let end = at
  while (end < text.length && NAME_CHAR.test(text[end] ?? '')) end++
  return /^[A-Za-z_]/.test(text[at] ?? '') ? text.slice(at, end) : ''
}

/** A quoted attribute value after `at` (`= "…"`), and where it ends; null when there is none. */
function quotedAfter(text: string, at: number): { value: string; end: number } | null {
  let i = at
  while (SPACE.test(text[i] ?? '')) i++
  if (text[i] !== '=') return null
  i++
  while (SPACE.test(text[i] ?? '')) i++
  const quote = text[i]
  if (quote !== '"' && quote !== "'") return null
  const close = text.indexOf(quote, i + 1)
  return close < 0 ? null : { value: text.slice(i + 1, close), end: close + 1 }
}

/** Open elements whose end tag is missing that a scan will look past before giving up (hostile packets). */
const MAX_UNCLOSED = 32

/**
 * Properties in our namespace, by local name, in element (`<courier:x>v</courier:x>`) or attribute
 * (`courier:x="v"`) form, under whatever prefix the packet binds to the namespace. First value wins.
 * A hand-written scan rather than regular expressions, so a hostile packet costs linear time.
 */
export function courierProperties(xmp: string): Record<string, string> {
  const out: Record<string, string> = {}
  const prefixes = new Set<string>()
  for (let at = xmp.indexOf('xmlns:'); at >= 0; at = xmp.indexOf('xmlns:', at)) {
    const prefix = nameAt(xmp, at + 6)
    const value = quotedAfter(xmp, at + 6 + prefix.length)
    if (!value) {
      at += 6
      continue
    }
    if (prefix && value.value === COURIER_NS) prefixes.add(prefix)
    at = value.end
  }
  for (const prefix of prefixes) {
    let unclosed = 0
    for (let at = xmp.indexOf(`${prefix}:`); at >= 0 && unclosed < MAX_UNCLOSED; at = xmp.indexOf(`${prefix}:`, at)) {
      const before = xmp[at - 1] ?? ''
      const name = nameAt(xmp, at + prefix.length + 1)
      const afterName = at + prefix.length + 1 + name.length
      if (!name || (before !== '<' && !SPACE.test(before))) {
        at = afterName + 1
        continue
      }
      if (before === '<') {
        const gt = xmp.indexOf('>', afterName)
        if (gt < 0) break
        if (xmp[gt - 1] === '/') {
          putFirst(out, name, '')
          at = gt + 1
          continue
        }
        const close = xmp.indexOf(`</${prefix}:${name}`, gt)
        if (close < 0) {
          unclosed++
          at = gt + 1
          continue
        }
        const body = xmp.slice(gt + 1, close)
        const cdata = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(body)
        putFirst(out, name, cdata ? (cdata[1] ?? '') : decodeEntities(body))
        at = close + 2
      } else {
        const value = quotedAfter(xmp, afterName)
        if (value) putFirst(out, name, decodeEntities(value.value))
        at = value ? value.end : afterName
      }
    }
  }
  return out
}

/** Our `rdf:Description`, one element per property. */
function courierDescription(props: Record<string, string>): string {
  const elements = Object.entries(props).map(([name, value]) => {
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new MetadataWriteError(`not an XML name for an XMP property: ${JSON.stringify(name)}`)
    return `   <${PREFIX}:${name}>${escapeXml(value)}</${PREFIX}:${name}>\n`
  })
  return `  <rdf:Description rdf:about="" xmlns:${PREFIX}="${COURIER_NS}">\n${elements.join('')}  </rdf:Description>\n`
}

/** An `x:xmpmeta` element around `descriptions` (the form of an extended packet, which has no wrapper). */
const xmpmeta = (descriptions: string) => '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n' + ` <rdf:RDF xmlns:rdf="${RDF_NS}">\n` + descriptions + ' </rdf:RDF>\n' + '</x:xmpmeta>'

/** A whole packet (with its `xpacket` wrapper) holding `descriptions`. */
const wrapped = (descriptions: string) => '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' + xmpmeta(descriptions) + '\n<?xpacket end="w"?>'

/** A whole packet holding only our properties. */
export function buildXmpPacket(props: Record<string, string>): string {
  return wrapped(courierDescription(props))
}

/** `packet` with `description` added as the last child of its `rdf:RDF` (on a line of its own where it can). */
function insertDescription(packet: string, description: string): string {
  const end = packet.lastIndexOf('</rdf:RDF>')
  if (end < 0) throw new MetadataWriteError('the XMP packet already there has no rdf:RDF to add to')
  const lineStart = packet.lastIndexOf('\n', end) + 1
  const at = /^\s*$/.test(packet.slice(lineStart, end)) ? lineStart : end
  return packet.slice(0, at) + description + packet.slice(at)
}

/**
 * `existing` with our description added before `</rdf:RDF>`, replacing one we wrote earlier; everything
 * else in it is kept byte for byte. A packet with no `rdf:RDF` to add to is refused rather than replaced.
 */
export function mergeXmpPacket(existing: string | null, props: Record<string, string>): string {
  if (existing === null) return buildXmpPacket(props)
  return insertDescription(withoutOurDescriptions(existing), courierDescription(props))
}

/**
 * JPEG's extended XMP packet (`extended-xmp.ts`): `existing` (the file's extended packet, someone else's
 * properties kept) or a new one, with our properties; no `xpacket` wrapper, as the specification asks.
 */
export function mergeExtendedPacket(existing: string | null, props: Record<string, string>): string {
  return insertDescription(withoutOurDescriptions(existing ?? xmpmeta('')), courierDescription(props))
}

/**
 * JPEG's main packet when our properties go to the extended one: `existing` (or a new packet) without our
 * description, naming the extended packet by `xmpNote:HasExtendedXMP` = `guid` (a GUID it named before,
 * for an extended packet we have just rewritten, is replaced wherever it is written).
 */
export function mainPacketNaming(existing: string | null, guid: string, before: string | null): string {
  const note = `  <rdf:Description rdf:about="" xmlns:xmpNote="${XMP_NOTE_NS}" xmpNote:HasExtendedXMP="${guid}"/>\n`
  if (existing === null) return wrapped(note)
  const kept = withoutOurDescriptions(existing)
  if (before !== null) {
    const replaced = kept.replace(new RegExp(before, 'gi'), guid) // a GUID is 32 hex digits: nothing to escape
    if (replaced !== kept) return replaced
  }
  return insertDescription(kept, note)
}

/**
 * The packet without the `rdf:Description`s that declare our namespace (ones we wrote before), with the
 * indentation and line break around them. A scan, not a regular expression: packets carry kilobytes of
 * padding, and a pattern that can start anywhere in it would take quadratic time.
 */
function withoutOurDescriptions(xmp: string): string {
  const OPEN = '<rdf:Description'
  const CLOSE = '</rdf:Description>'
  let out = ''
  let copied = 0
  for (let at = xmp.indexOf(OPEN); at >= 0; at = xmp.indexOf(OPEN, at + OPEN.length)) {
    const gt = xmp.indexOf('>', at)
    if (gt < 0) break
    const tag = xmp.slice(at, gt + 1)
    if (!tag.includes(`xmlns:${PREFIX}="${COURIER_NS}"`) && !tag.includes(`xmlns:${PREFIX}='${COURIER_NS}'`)) continue
    const close = tag.endsWith('/>') ? gt + 1 : xmp.indexOf(CLOSE, gt)
    if (close < 0) break
    let start = at
    while (start > copied && (xmp[start - 1] === ' ' || xmp[start - 1] === '\t')) start--
    let end = tag.endsWith('/>') ? close : close + CLOSE.length
    if (xmp[end] === '\n') end++
    out += xmp.slice(copied, start)
    copied = end
    at = end - OPEN.length
  }
  return out + xmp.slice(copied)
}
