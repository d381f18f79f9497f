/**
 * What the gallery's search reads (the `outputs_fts` table, migration 4) and how a user's text becomes an
 * FTS5 query. Shared by the migration's backfill and the outputs repository, so both index alike.
 */

/** The prompt shown with an output: the first string input named like a prompt, else the first string. */
export function promptOf(inputs: Record<string, unknown>): string {
  const strings = Object.entries(inputs).filter((entry): entry is [string, string] => typeof entry[1] === 'string')
  const named = strings.find(([key]) => /prompt/i.test(key) && !/negative/i.test(key))
  return (named ?? strings[0])?.[1] ?? ''
}

/**
 * The prompt text indexed for search: every string input named like a prompt (a deployment may have two,
 * e.g. `prompt` and `style_prompt`), never a negative prompt; without any, the prompt shown (`promptOf`).
 */
export function searchablePrompt(inputs: Record<string, unknown>): string {
  const prompts = Object.entries(inputs).flatMap(([key, value]) =>
    typeof value === 'string' && /prompt/i.test(key) && !/negative/i.test(key) ? [value] : [],
  )
  return prompts.length > 0 ? prompts.join('\n') : promptOf(inputs)
}

/** The file's own name (`r1a2b3c4-1.png`), the last step of its library path. */
export function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** How many words of a query are used; more would only slow the match down. */
const MAX_WORDS = 16

/**
 * A user's search text as an FTS5 query: each word prefix-matched (`"fox"*`), all required (FTS5's
 * implicit AND). Words are cut at the same characters the `unicode61` tokenizer splits on (anything but
 * letters, digits and combining marks), so quotes, `*`, `-`, `:`, parentheses and the like never reach
 * FTS5 as syntax, and each word is quoted, so `AND`, `OR`, `NOT` and `NEAR` are plain words. Null when
 * the text holds no word at all (then nothing is filtered).
 */
export function ftsQuery(text: string): string | null {
  const words = text.normalize('NFKC').match(/[\p{L}\p{N}\p{M}]+/gu) ?? []
  if (words.length === 0) return null
  return [...new Set(words)]
    .slice(0, MAX_WORDS)
    .map((word) => `"${word}"*`)
    .join(' ')
}
