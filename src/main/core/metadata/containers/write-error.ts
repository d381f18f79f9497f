/** A file the codecs cannot write metadata into (not parseable, or the metadata would not fit): use a sidecar. */
export class MetadataWriteError extends Error {
  override name = 'MetadataWriteError'
}
