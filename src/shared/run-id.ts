/**
 * The short form of a run id that people see: the first 8 letters and digits (`r_5_-tjdQtg…` → `r5tjdQtg`).
 * The library names a run's files with it (`r5tjdQtg-1.png`), so the Runs view, the gallery's details, the
 * webhook list and the file on disk all call one run by one name.
 */
export const shortRunId = (id: string): string => id.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8)
