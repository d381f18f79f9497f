import { describe, expect, it } from 'vitest'
import { buildXmpPacket, COURIER_NS, courierProperties, decodeEntities, mergeXmpPacket } from './xmp'

const theirs = (inner: string) =>
  `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">\n <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n${inner} </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>`
const dc = '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Someone</dc:creator></rdf:Description>\n'

describe('courierProperties', () => {
  it('reads element and attribute forms under any prefix bound to our namespace, first value winning', () => {
    const xmp = theirs(
      `  <rdf:Description rdf:about="" xmlns:cc='${COURIER_NS}' cc:attr="a &amp; b" cc:dup="first">\n` +
      '   <cc:element lang="x">&lt;tag&gt; &#x732B; &#29483; &quot;q&quot; &apos;s&apos;</cc:element>\n' +
      '   <cc:cdata><![CDATA[<raw> &amp;]]></cc:cdata>\n' +
      '   <cc:empty/>\n' +
      '   <cc:dup>second</cc:dup>\n' +
      '  </rdf:Description>\n' + dc,
    )
    expect(courierProperties(xmp)).toEqual({ attr: 'a & b', dup: 'first', element: '<tag> 猫 猫 "q" \'s\'', cdata: '<raw> &amp;', empty: '' })
  })

  it('ignores other namespaces, even with the same local names, and our prefix bound elsewhere', () => {
    expect(courierProperties(theirs(dc))).toEqual({})
    expect(courierProperties(theirs('  <rdf:Description xmlns:courier="https://example.com/other/"><courier:comfy-courier>no</courier:comfy-courier></rdf:Description>\n'))).toEqual({})
  })

  it('leaves unknown or out-of-range references as written', () => {
    expect(decodeEntities('&nbsp; &#xD800; &#x110000; &amp;lt;')).toBe('&nbsp; &#xD800; &#x110000; &lt;')
  })
})

describe('writing XMP', () => {
  const record = '{"prompt":"a <b> & \\"c\\"\\r\\n"}'

  it('builds a packet our reader and the escaping agree on', () => {
    const packet = buildXmpPacket({ 'comfy-courier': record })
    expect(packet).toContain('<courier:comfy-courier>{&quot;prompt&quot;:&quot;a &lt;b&gt; &amp; \\&quot;c\\&quot;\\r\\n&quot;}</courier:comfy-courier>')
    expect(courierProperties(packet)).toEqual({ 'comfy-courier': record })
    expect(courierProperties(buildXmpPacket({ x: 'line\r\nbreak' }))).toEqual({ x: 'line\r\nbreak' })
  })

  it('adds our description beside theirs, and replaces the one it wrote before', () => {
    const once = mergeXmpPacket(theirs(dc), { 'comfy-courier': 'first', other: 'o' })
    const twice = mergeXmpPacket(once, { 'comfy-courier': record })
    expect(twice.startsWith(theirs(dc).slice(0, theirs(dc).indexOf(' </rdf:RDF>')))).toBe(true)
    expect(twice.split(COURIER_NS).length).toBe(2)
    expect(courierProperties(twice)).toEqual({ 'comfy-courier': record })
    expect(twice).toContain('<dc:creator>Someone</dc:creator>')
    expect(twice.endsWith(' </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>')).toBe(true)
  })

  it('removes an earlier description of ours in attribute form, leaving the rest of the packet as it was', () => {
    const earlier = `  <rdf:Description rdf:about="" xmlns:courier="${COURIER_NS}" courier:comfy-courier="old"/>\n`
    const merged = mergeXmpPacket(theirs(dc + earlier), { 'comfy-courier': 'new' })
    expect(merged).toBe(theirs(dc + buildXmpPacket({ 'comfy-courier': 'new' }).match(/ {2}<rdf:Description[\s\S]*<\/rdf:Description>\n/)?.[0]))
    expect(courierProperties(merged)).toEqual({ 'comfy-courier': 'new' })
  })

  it('merges into a packet with a lot of padding in linear time', () => {
    const padded = theirs(dc).replace('<?xpacket end', `${' '.repeat(60_000)}\n${'\t '.repeat(30_000)}<?xpacket end`)
    // A quadratic scan of this padding would not finish within the test timeout; the result is what is checked.
    for (let i = 0; i < 20; i++) expect(mergeXmpPacket(padded, { a: 'b' })).toContain('courier:a')
  })

  it('refuses a packet with no rdf:RDF, and a property name that is not an XML name', () => {
    expect(() => mergeXmpPacket('<x:xmpmeta/>', { a: 'b' })).toThrow(expect.objectContaining({ name: 'MetadataWriteError' }))
    expect(() => buildXmpPacket({ 'not a name': 'b' })).toThrow(expect.objectContaining({ name: 'MetadataWriteError' }))
    expect(() => buildXmpPacket({ '1st': 'b' })).toThrow(expect.objectContaining({ name: 'MetadataWriteError' }))
    expect(() => buildXmpPacket({ a: 'bell \u0007' })).toThrow(expect.objectContaining({ name: 'MetadataWriteError' }))
  })
})
