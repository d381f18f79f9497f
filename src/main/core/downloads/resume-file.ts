import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { z } from 'zod'

/**
 * What lets the bytes in a `.part` be continued: the validator the host sent with them (a strong ETag,
 * else Last-Modified) and the file's full length. Kept in a small file beside the `.part`
 * (`{name}.part.resume`), so a download cut by quitting the app — or by a crash — resumes at the next
 * start instead of fetching again what is already on the disk.
 */
export interface ResumeState {
  validator: string | null
  total: number | null
}

export const RESUME_SUFFIX = '.resume'
/** The sidecar's name for a `.part`. */
export const resumePathOf = (partPath: string): string => `${partPath}${RESUME_SUFFIX}`

/** Partial downloads older than this are not resumed: the services' links and files are gone by then. */
export const RESUME_KEPT_MS = 7 * 24 * 3600_000

const ResumeFile = z.object({
  validator: z.string().min(1).max(1024),
  total: z.number().int().nonnegative().nullable(),
  /** When the validator was received (ms since the epoch). */
  savedAt: z.number(),
})

export const emptyResume = (): ResumeState => ({ validator: null, total: null })

/**
 * Reads what the `.part` can be resumed with. Anything unusable — no sidecar, a corrupt one, no `.part`,
 * one older than `RESUME_KEPT_MS` — reads as nothing to resume, and the attempt starts over.
 */
export async function readResume(partPath: string, now = Date.now()): Promise<ResumeState> {
  try {
    const parsed = ResumeFile.safeParse(JSON.parse(await readFile(resumePathOf(partPath), 'utf8')))
    if (!parsed.success || now - parsed.data.savedAt > RESUME_KEPT_MS) return emptyResume()
    await stat(partPath)
    return { validator: parsed.data.validator, total: parsed.data.total }
  } catch {
    return emptyResume()
  }
}

/**
 * Records `state` for the `.part` (temp file + rename, so a crash leaves the old sidecar or the new one,
 * never half of one); a state without a validator removes the sidecar, as such bytes cannot be resumed.
 */
export async function writeResume(partPath: string, state: ResumeState, now = Date.now()): Promise<void> {
  const path = resumePathOf(partPath)
  if (state.validator === null) {
    await rm(path, { force: true })
    return
  }
  const temp = `${path}.tmp`
  await writeFile(temp, JSON.stringify({ validator: state.validator, total: state.total, savedAt: now }))
  await rename(temp, path)
}

/** Removes a `.part` and its sidecar: the download will not be resumed. */
export async function discardPart(partPath: string): Promise<void> {
  await rm(partPath, { force: true })
  await rm(resumePathOf(partPath), { force: true })
}
