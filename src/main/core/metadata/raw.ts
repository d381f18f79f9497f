/**
 * What a file carries, as its container stores it, before anyone interprets it: the seam between the
 * container codecs (`containers/`: PNG, JPEG, WebP, EXIF, XMP, video) and the readers of each tool's format
 * (`interpret/`: ours, ComfyUI, A1111, SwarmUI, InvokeAI).
 */
export interface RawMetadata {
  /**
   * Key/value text, keys exactly as written: PNG `tEXt`/`zTXt`/`iTXt` chunks and the `comf` chunks of an
   * animated PNG; video container tags (MP4 keyed metadata, Matroska/WebM tags); our XMP property.
   * A key written twice keeps its first value.
   */
  text: Record<string, string>
  /**
   * EXIF text fields, by tag as four hex digits (`0x9286` UserComment, `0x010f` Make, `0x0110` Model,
   * `0x010e` ImageDescription, …), decoded: UserComment by its charset prefix (UNICODE in either byte
   * order, ASCII), the others as UTF-8.
   */
  exif: Record<string, string>
  /** The XMP packet as text, when the file has one. */
  xmp: string | null
  /**
   * JPEG only: the extended XMP packet the main one names (`xmpNote:HasExtendedXMP`), joined from its
   * segments and checked against its MD5; absent when there is none or it is not sound.
   */
  xmpExtended?: string
}

export const emptyRaw = (): RawMetadata => ({ text: {}, exif: {}, xmp: null })

/** EXIF tags tools use for generation data. */
export const EXIF_TAG = {
  userComment: '0x9286',
  imageDescription: '0x010e',
  make: '0x010f',
  model: '0x0110',
} as const

/** What we write into a file: text entries (PNG chunks / video tags), an EXIF UserComment, our XMP property. */
export interface MetadataToWrite {
  /** PNG text chunks or video tags to set (a key already there is replaced; other keys are kept). */
  text: Record<string, string>
  /** JPEG/WebP: the EXIF UserComment (A1111's `parameters` text), written as UNICODE (UTF-16). */
  userComment: string | null
  /** JPEG/WebP: properties of ours to put in the XMP packet (added beside any XMP already there). */
  xmp: Record<string, string>
}
