import type { OutputKind } from '@shared/output'

/** What a file is, by its extension: one table for every provider's outputs. */
const EXTENSION_KIND: Record<string, OutputKind> = {
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  webp: 'image',
  gif: 'image',
  bmp: 'image',
  tif: 'image',
  tiff: 'image',
  avif: 'image',
  heic: 'image',
  mp4: 'video',
  webm: 'video',
  mov: 'video',
  mkv: 'video',
  avi: 'video',
  m4v: 'video',
  mp3: 'audio',
  wav: 'audio',
  flac: 'audio',
  ogg: 'audio',
  opus: 'audio',
  m4a: 'audio',
  aac: 'audio',
  txt: 'text',
  csv: 'text',
  md: 'text',
  json: 'text',
}

/** A kind from a file name's extension, or null when it says nothing. */
export function kindFromName(name: string | null | undefined): OutputKind | null {
  const ext = name?.match(/\.([a-z0-9]{1,8})$/i)?.[1]?.toLowerCase()
  return ext !== undefined && Object.hasOwn(EXTENSION_KIND, ext) ? (EXTENSION_KIND[ext] ?? null) : null
}
