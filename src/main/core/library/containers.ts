import type { FileHandle } from 'node:fs/promises'

/**
 * Reads duration (and a video's pixel size) from the headers of the containers providers save: MP4/MOV
 * (`mvhd`, `tkhd`), WebM/Matroska (Segment Info, Tracks), WAV (`fmt `, `data`), FLAC (STREAMINFO) and
 * MPEG audio (MP3, MP2: the first frame, and its Xing/Info or VBRI header when there is one).
 * Only headers are read, with positioned reads, so a 2 GiB file costs a few small reads. Every parser
 * returns what it could find and leaves the rest null; malformed input ends a walk, it never throws
 * past `probeMedia`.
 */

export interface ContainerFacts {
  durationMs: number | null
  width: number | null
  height: number | null
}

const EMPTY: ContainerFacts = { durationMs: null, width: null, height: null }
/** A walk over a broken file stops after this many boxes or elements. */
const MAX_STEPS = 10_000
/** Header elements read whole (Matroska Info and Tracks, MP4 `moov` children) are never bigger than this. */
const MAX_HEADER_BYTES = 4 * 1024 * 1024

export class PositionedReader {
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  async read(position: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - position))
    const buffer = Buffer.alloc(wanted)
    if (wanted === 0) return buffer
    const { bytesRead } = await this.handle.read(buffer, 0, wanted, position)
    return buffer.subarray(0, bytesRead)
  }
}

const ms = (value: number): number | null => (Number.isFinite(value) && value >= 0 && value < 1e13 ? Math.round(value) : null)
const pixels = (value: number): number | null => (Number.isInteger(value) && value > 0 && value <= 1_000_000 ? value : null)

export type ContainerKind = 'mp4' | 'matroska' | 'wav' | 'flac' | 'mpeg-audio'

/** Which container a file is, from its first bytes (never from its name or the server's word). */
export function sniffContainer(head: Buffer): ContainerKind | null {
  if (head.length >= 8 && ['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip'].includes(head.toString('latin1', 4, 8))) return 'mp4'
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'matroska'
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return 'wav'
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'fLaC') return 'flac'
  if ((head.length >= 10 && head.toString('latin1', 0, 3) === 'ID3') || frameHeader(head, 0) !== null) return 'mpeg-audio'
  return null
}

export async function containerFacts(reader: PositionedReader, kind: ContainerKind): Promise<ContainerFacts> {
  switch (kind) {
    case 'mp4':
      return mp4Facts(reader)
    case 'matroska':
      return matroskaFacts(reader)
    case 'wav':
      return wavFacts(reader)
    case 'flac':
      return flacFacts(reader)
    case 'mpeg-audio':
      return mpegAudioFacts(reader)
  }
}

// ---- MP4 / QuickTime (ISO BMFF) ----

interface Box {
  type: string
  /** Where the box's content starts and ends (absolute file offsets). */
  start: number
  end: number
}

/** The boxes between `from` and `to`, read header by header. */
async function* boxes(reader: PositionedReader, from: number, to: number): AsyncGenerator<Box> {
  let position = from
  for (let step = 0; step < MAX_STEPS && position + 8 <= to; step++) {
    const head = await reader.read(position, 16)
    if (head.length < 8) return
    let size = head.readUInt32BE(0)
    let header = 8
    if (size === 1) {
      if (head.length < 16) return
      size = Number(head.readBigUInt64BE(8))
      header = 16
    } else if (size === 0) {
      size = to - position // to the end of the enclosing box (or file)
    }
    if (size < header || position + size > to) return
    yield { type: head.toString('latin1', 4, 8), start: position + header, end: position + size }
    position += size
  }
}

async function mp4Facts(reader: PositionedReader): Promise<ContainerFacts> {
  for await (const box of boxes(reader, 0, reader.size)) {
    if (box.type === 'moov') return moovFacts(reader, box)
  }
  return EMPTY
}

async function moovFacts(reader: PositionedReader, moov: Box): Promise<ContainerFacts> {
  let timescale = 0
  let duration = 0
  let fragmentDuration = 0
  let width: number | null = null
  let height: number | null = null
  for await (const box of boxes(reader, moov.start, moov.end)) {
    if (box.type === 'mvhd') {
      const data = await reader.read(box.start, 32)
      const version = data[0]
      if (version === 1 && data.length >= 32) {
        timescale = data.readUInt32BE(20)
        duration = Number(data.readBigUInt64BE(24))
      } else if (version === 0 && data.length >= 20) {
        timescale = data.readUInt32BE(12)
        duration = data.readUInt32BE(16)
        if (duration === 0xffffffff) duration = 0 // "unknown"
      }
    } else if (box.type === 'trak' && width === null) {
      // The first track with a picture: tkhd ends with its width and height in 16.16 fixed point.
      for await (const child of boxes(reader, box.start, box.end)) {
        if (child.type !== 'tkhd' || child.end - child.start < 84) continue
        const tail = await reader.read(child.end - 8, 8)
        if (tail.length < 8) continue
        const w = pixels(Math.round(tail.readUInt32BE(0) / 65536))
        const h = pixels(Math.round(tail.readUInt32BE(4) / 65536))
        if (w !== null && h !== null) {
          width = w
          height = h
        }
      }
    } else if (box.type === 'mvex') {
      // A fragmented file may leave mvhd's duration at 0 and give the whole length here.
      for await (const child of boxes(reader, box.start, box.end)) {
        if (child.type !== 'mehd') continue
        const data = await reader.read(child.start, 12)
        if (data[0] === 1 && data.length >= 12) fragmentDuration = Number(data.readBigUInt64BE(4))
        else if (data.length >= 8) fragmentDuration = data.readUInt32BE(4)
      }
    }
  }
  const length = duration || fragmentDuration
  return { durationMs: timescale > 0 && length > 0 ? ms((length / timescale) * 1000) : null, width, height }
}

// ---- Matroska / WebM (EBML) ----

const EBML = {
  segment: 0x18538067,
  info: 0x1549a966,
  timecodeScale: 0x2ad7b1,
  duration: 0x4489,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  cluster: 0x1f43b675,
}

interface Element {
  id: number
  /** Where the content starts; `size` is null for "unknown size" (live streams). */
  start: number
  size: number | null
}

/** An EBML variable-length integer at `offset`: its length, and its value with (`keepMarker`) or without the length bits. */
function vint(buffer: Buffer, offset: number, keepMarker: boolean): { length: number; value: number; allOnes: boolean } | null {
  const first = buffer[offset]
  if (first === undefined || first === 0) return null
  const length = Math.clz32(first) - 23 // 1 for 0b1xxxxxxx … 8 for 0b00000001
  if (length > 8 || offset + length > buffer.length) return null
  let value = keepMarker ? first : first & (0xff >> length)
  let allOnes = value === 0xff >> length
  for (let i = 1; i < length; i++) {
    const byte = buffer[offset + i]!
    value = value * 256 + byte
    if (byte !== 0xff) allOnes = false
  }
  return { length, value, allOnes }
}

/** The element header at `offset` of `buffer`, whose first byte sits at file offset `base + offset`. */
function elementAt(buffer: Buffer, offset: number, base: number): (Element & { headerLength: number }) | null {
  const id = vint(buffer, offset, true)
  if (!id || id.length > 4) return null
  const size = vint(buffer, offset + id.length, false)
  if (!size) return null
  const headerLength = id.length + size.length
  return { id: id.value, start: base + offset + headerLength, size: size.allOnes ? null : size.value, headerLength }
}

/** The child elements of a buffer holding one element's content. */
function* children(content: Buffer): Generator<Element & { data: Buffer }> {
  let offset = 0
  for (let step = 0; step < MAX_STEPS && offset < content.length; step++) {
    const element = elementAt(content, offset, 0)
    if (!element || element.size === null) return
    const data = content.subarray(element.start, element.start + element.size)
    yield { ...element, data }
    offset = element.start + element.size
  }
}

function uint(data: Buffer): number {
  let value = 0
  for (const byte of data) value = value * 256 + byte
  return value
}

function float(data: Buffer): number | null {
  if (data.length === 4) return data.readFloatBE(0)
  if (data.length === 8) return data.readDoubleBE(0)
  return null
}

async function matroskaFacts(reader: PositionedReader): Promise<ContainerFacts> {
  const facts = { ...EMPTY }
  let position = 0
  let end = reader.size
  let seenInfo = false
  for (let step = 0; step < MAX_STEPS && position < end; step++) {
    const head = await reader.read(position, 12)
    const element = elementAt(head, 0, position)
    if (!element) break
    if (element.id === EBML.segment) {
      // Step inside the Segment: its children hold the headers.
      if (element.size !== null) end = Math.min(reader.size, element.start + element.size)
      position = element.start
      continue
    }
    if (element.id === EBML.cluster && seenInfo) break // media data from here on: the headers are behind us
    if (element.size === null) break
    if ((element.id === EBML.info || element.id === EBML.tracks) && element.size <= MAX_HEADER_BYTES) {
      const content = await reader.read(element.start, element.size)
      if (element.id === EBML.info) {
        seenInfo = true
        let scale = 1_000_000 // TimecodeScale's default: 1 ms in ns
        let duration: number | null = null
        for (const child of children(content)) {
          if (child.id === EBML.timecodeScale) scale = uint(child.data) || scale
          else if (child.id === EBML.duration) duration = float(child.data)
        }
        if (duration !== null) facts.durationMs = ms((duration * scale) / 1e6)
      } else {
        for (const entry of children(content)) {
          if (entry.id !== EBML.trackEntry || facts.width !== null) continue
          for (const video of children(entry.data)) {
            if (video.id !== EBML.video) continue
            for (const field of children(video.data)) {
              if (field.id === EBML.pixelWidth) facts.width = pixels(uint(field.data))
              else if (field.id === EBML.pixelHeight) facts.height = pixels(uint(field.data))
            }
          }
        }
        if (facts.width === null || facts.height === null) facts.width = facts.height = null
      }
    }
    position = element.start + element.size
  }
  return facts
}

// ---- WAV (RIFF) ----

async function wavFacts(reader: PositionedReader): Promise<ContainerFacts> {
  let byteRate = 0
  let position = 12
  for (let step = 0; step < MAX_STEPS && position + 8 <= reader.size; step++) {
    const head = await reader.read(position, 8)
    if (head.length < 8) break
    const id = head.toString('latin1', 0, 4)
    const size = head.readUInt32LE(4)
    if (id === 'fmt ') {
      const format = await reader.read(position + 8, 16)
      if (format.length >= 12) byteRate = format.readUInt32LE(8)
    } else if (id === 'data') {
      // A streamed WAV may say 0 or 0xFFFFFFFF here: then the data runs to the end of the file.
      const available = reader.size - (position + 8)
      const length = size === 0 || size === 0xffffffff || size > available ? available : size
      return { ...EMPTY, durationMs: byteRate > 0 ? ms((length / byteRate) * 1000) : null }
    }
    position += 8 + size + (size & 1) // chunks are padded to an even length
  }
  return EMPTY
}

// ---- FLAC ----

async function flacFacts(reader: PositionedReader): Promise<ContainerFacts> {
  const head = await reader.read(0, 4 + 4 + 34)
  if (head.length < 42 || (head[4]! & 0x7f) !== 0) return EMPTY // STREAMINFO is always the first block
  const info = head.subarray(8)
  const sampleRate = (info[10]! << 12) | (info[11]! << 4) | (info[12]! >> 4)
  const samples = (info[13]! & 0x0f) * 2 ** 32 + info.readUInt32BE(14)
  return { ...EMPTY, durationMs: sampleRate > 0 && samples > 0 ? ms((samples / sampleRate) * 1000) : null }
}

// ---- MPEG audio (MP3, MP2) ----

/** Kilobits a second by bitrate index 1–14: MPEG-1 layers I, II, III, then MPEG-2/2.5 layer I, then layers II and III. */
const BITRATES = {
  v1: [
    [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  v2: [
    [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
}
/** Sample rates by index 0–2: MPEG-1; MPEG-2 halves them, MPEG-2.5 quarters them. */
const SAMPLE_RATES = [44_100, 48_000, 32_000]
/** How far past the first audio frame's start its first frame is looked for (junk or padding after a tag). */
const SYNC_WINDOW = 64 * 1024

interface FrameHeader {
  /** 1 for MPEG-1, 2 for MPEG-2, 2.5 for MPEG-2.5. */
  version: 1 | 2 | 2.5
  layer: 1 | 2 | 3
  bitrate: number
  sampleRate: number
  samples: number
  /** The whole frame, header included, in bytes. */
  length: number
  mono: boolean
}

/** The MPEG audio frame header at `offset`, or null when those four bytes are not one (free-format bitrates included). */
function frameHeader(buffer: Buffer, offset: number): FrameHeader | null {
  if (offset + 4 > buffer.length) return null
  const b1 = buffer[offset + 1]!
  const b2 = buffer[offset + 2]!
  if (buffer[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return null
  const versionBits = (b1 >> 3) & 3
  const layerBits = (b1 >> 1) & 3
  const bitrateIndex = b2 >> 4
  const rateIndex = (b2 >> 2) & 3
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5
  const layer = (4 - layerBits) as 1 | 2 | 3
  const bitrate = (version === 1 ? BITRATES.v1 : BITRATES.v2)[layer - 1]![bitrateIndex - 1]! * 1000
  const sampleRate = SAMPLE_RATES[rateIndex]! / (version === 1 ? 1 : version === 2 ? 2 : 4)
  const padding = (b2 >> 1) & 1
  const samples = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152
  const length = layer === 1 ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4 : Math.floor(((samples / 8) * bitrate) / sampleRate) + padding
  return { version, layer, bitrate, sampleRate, samples, length, mono: buffer[offset + 3]! >> 6 === 3 }
}

const sameStream = (a: FrameHeader, b: FrameHeader) => a.version === b.version && a.layer === b.layer && a.sampleRate === b.sampleRate

/** The frame count a Layer III file's first frame declares (Xing/Info or VBRI), or null when it has none. */
function declaredFrames(frame: Buffer, header: FrameHeader): { frames: number | null; tagFrame: boolean } {
  if (header.layer !== 3) return { frames: null, tagFrame: false }
  // Xing/Info sits right after the side information, whose size depends on the version and channels.
  const xing = 4 + (header.version === 1 ? (header.mono ? 17 : 32) : header.mono ? 9 : 17)
  const id = frame.toString('latin1', xing, xing + 4)
  if ((id === 'Xing' || id === 'Info') && frame.length >= xing + 8) {
    const flags = frame.readUInt32BE(xing + 4)
    const frames = flags & 1 && frame.length >= xing + 12 ? frame.readUInt32BE(xing + 8) : 0
    return { frames: frames > 0 ? frames : null, tagFrame: true }
  }
  // VBRI (Fraunhofer) always sits 32 bytes after the header.
  if (frame.toString('latin1', 36, 40) === 'VBRI' && frame.length >= 36 + 18) {
    const frames = frame.readUInt32BE(36 + 14)
    return { frames: frames > 0 ? frames : null, tagFrame: true }
  }
  return { frames: null, tagFrame: false }
}

async function mpegAudioFacts(reader: PositionedReader): Promise<ContainerFacts> {
  // ID3v2 tags in front (10-byte header, a synchsafe size, and 10 more bytes when a footer follows).
  let position = 0
  for (let step = 0; step < 16; step++) {
    const tag = await reader.read(position, 10)
    if (tag.length < 10 || tag.toString('latin1', 0, 3) !== 'ID3') break
    if (tag[3] === 0xff || tag[4] === 0xff || (tag[6]! | tag[7]! | tag[8]! | tag[9]!) & 0x80) return EMPTY
    position += 10 + ((tag[6]! << 21) | (tag[7]! << 14) | (tag[8]! << 7) | tag[9]!) + (tag[5]! & 0x10 ? 10 : 0)
  }
  // An ID3v1 tag (128 bytes from "TAG") ends the audio.
  let end = reader.size
  if (end - 128 >= position && (await reader.read(end - 128, 3)).toString('latin1') === 'TAG') end -= 128
  if (position >= end) return EMPTY

  // The first frame: a header whose frame is followed by another of the same stream (or by the end).
  const window = await reader.read(position, Math.min(SYNC_WINDOW, end - position))
  for (let i = window.indexOf(0xff); i >= 0 && i + 4 <= window.length; i = window.indexOf(0xff, i + 1)) {
    const header = frameHeader(window, i)
    if (!header) continue
    const start = position + i
    const next = start + header.length
    if (next > end) continue
    if (next + 4 <= end) {
      const following = next + 4 <= position + window.length ? frameHeader(window, next - position) : frameHeader(await reader.read(next, 4), 0)
      if (!following || !sameStream(header, following)) continue
    }
    const frame = await reader.read(start, header.length)
    const { frames, tagFrame } = declaredFrames(frame, header)
    if (frames !== null) return { ...EMPTY, durationMs: ms(((frames * header.samples) / header.sampleRate) * 1000) }
    // Constant bitrate: the audio's length in bytes at the first frame's bitrate (past an Info frame without a count).
    const audioBytes = end - (tagFrame ? next : start)
    return { ...EMPTY, durationMs: ms(((audioBytes * 8) / header.bitrate) * 1000) }
  }
  return EMPTY
}
