export interface MediaFile {
  bytes: Uint8Array
  contentType: string
}

/**
 * Output bytes kept in memory, keyed by run id and file name. Lookups are exact-key only, so a request path
 * can never reach anything the simulator did not put here (no disk, no path joining).
 */
export class MediaStore {
  private readonly files = new Map<string, MediaFile>()

  put(runId: string, filename: string, file: MediaFile): void {
    this.files.set(`${runId}/${filename}`, file)
  }

  get(runId: string, filename: string): MediaFile | undefined {
    return this.files.get(`${runId}/${filename}`)
  }

  clear(): void {
    this.files.clear()
  }
}
