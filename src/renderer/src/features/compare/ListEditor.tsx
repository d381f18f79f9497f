import { useId, useRef, useState, type ChangeEvent } from 'react'
import type { Deployment } from '@shared/deployment'
import { GRID_MAX_CELLS } from '@shared/grid'
import { canBeAxis, isTextField, parseCsv } from '@shared/grid-axes'
import { useCourier } from '../../store/context'
import { fieldForHeader, promptFieldOf, type ListPlan } from './plan'

/** How many rows the preview shows. */
const PREVIEW_ROWS = 8
/** The largest file the list loads (a text file of 400 long prompts is far smaller). */
const MAX_FILE_BYTES = 2 * 1024 * 1024

const readText = (file: File): Promise<string> =>
  typeof file.text === 'function'
    ? file.text()
    : new Promise((resolve, reject) => {
        const reader = new FileReader()
        reader.onload = () => resolve(String(reader.result))
        reader.onerror = () => reject(reader.error ?? new Error('unreadable'))
        reader.readAsText(file)
      })

/**
 * A prompt list (Generate's "Prompt list"): lines pasted or loaded from a .txt (one run per line, into the
 * prompt or another text input), or a .csv whose header names the columns, each mapped to an input. The form
 * below holds what every row shares.
 */
export function ListEditor({ deployment, plan }: { deployment: Deployment; plan: ListPlan }) {
  const list = useCourier((s) => s.grids.list)
  const setList = useCourier((s) => s.grids.setList)
  const fileRef = useRef<HTMLInputElement>(null)
  const [fileError, setFileError] = useState<string | null>(null)
  const id = useId()
  const textFields = deployment.inputs.filter(isTextField)
  const target = list.field ?? promptFieldOf(deployment)?.id ?? ''

  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    e.target.value = ''
    if (file === undefined) return
    setFileError(null)
    if (file.size > MAX_FILE_BYTES) return setFileError(`“${file.name}” is larger than 2 MB: a prompt list is a text file of at most ${GRID_MAX_CELLS} lines.`)
    const csv = /\.csv$/i.test(file.name) || file.type === 'text/csv'
    if (!csv && !/\.txt$/i.test(file.name) && file.type !== 'text/plain' && file.type !== '') {
      return setFileError(`“${file.name}” is not a .txt or .csv file.`)
    }
    let text: string
    try {
      text = await readText(file)
    } catch {
      return setFileError(`“${file.name}” could not be read.`)
    }
    if (!csv) return setList({ text: text.replace(/^\uFEFF/, ''), csv: null })
    const [header = [], ...rows] = parseCsv(text)
    if (header.length === 0) return setFileError(`“${file.name}” is empty.`)
    const mapping: Array<string | null> = header.map((h) => fieldForHeader(deployment, h))
    // A CSV whose headers name no input: its first column is taken for the prompt.
    if (!mapping.some((m) => m !== null)) mapping[0] = promptFieldOf(deployment)?.id ?? null
    setList({ csv: { fileName: file.name, header, rows, mapping } })
  }

  return (
    <section className="list-editor" aria-labelledby={`${id}-title`}>
      <div className="grid-editor__head">
        <h2 id={`${id}-title`} className="grid-editor__title">
          Prompt list
        </h2>
        <p className="muted grid-editor__sub">One run per line (or CSV row), sent as one batch. Every run takes the inputs below, then its own line.</p>
      </div>
      <div className="list-editor__tools">
        <input ref={fileRef} type="file" accept=".txt,.csv,text/plain,text/csv" hidden onChange={(e) => void load(e)} data-testid="list-file" />
        <button type="button" className="btn btn--small" onClick={() => fileRef.current?.click()}>
          Load a .txt or .csv…
        </button>
        {list.csv !== null && (
          <button type="button" className="btn btn--small btn--ghost" onClick={() => setList({ csv: null })}>
            Remove {list.csv.fileName}
          </button>
        )}
      </div>
      {fileError !== null && (
        <p className="field__error" role="alert">
          {fileError}
        </p>
      )}
      {list.csv === null ? (
        <>
          {textFields.length > 1 && (
            <label className="axis__field list-editor__target">
              <span className="axis__label">Each line goes to</span>
              <select className="input select" value={target} onChange={(e) => setList({ field: e.target.value })}>
                {textFields.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label || f.id}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="axis__field axis__field--spec">
            <span className="axis__label">Prompts, one per line</span>
            <textarea
              className="input list-editor__text"
              rows={7}
              value={list.text}
              placeholder={'a lighthouse at dusk\na lighthouse in a storm\na lighthouse under the northern lights'}
              onChange={(e) => setList({ text: e.target.value })}
              spellCheck
            />
          </label>
        </>
      ) : (
        <fieldset className="list-editor__mapping">
          <legend>Columns of {list.csv.fileName}</legend>
          <ul className="list-editor__columns">
            {list.csv.header.map((h, col) => (
              <li key={col}>
                <label className="axis__field">
                  <span className="axis__label">
                    Column “{h || `#${col + 1}`}” goes to
                  </span>
                  <select
                    className="input select"
                    value={list.csv?.mapping[col] ?? ''}
                    onChange={(e) => {
                      const csv = list.csv
                      if (csv === null) return
                      const mapping = csv.mapping.map((m, i) => (i === col ? e.target.value || null : m === e.target.value ? null : m))
                      setList({ csv: { ...csv, mapping } })
                    }}
                  >
                    <option value="">Not used</option>
                    {deployment.inputs.filter(canBeAxis).map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.label || f.id}
                      </option>
                    ))}
                  </select>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {plan.rows.length > 0 && <ListPreview plan={plan} />}
    </section>
  )
}

function ListPreview({ plan }: { plan: ListPlan }) {
  const shown = plan.rows.slice(0, PREVIEW_ROWS)
  return (
    <div className="list-preview" tabIndex={0} role="region" aria-label="Preview of the runs">
      <table className="list-preview__table">
        <caption className="list-preview__caption">
          {plan.rows.length} {plan.rows.length === 1 ? 'run' : 'runs'}
          {plan.rows.length > PREVIEW_ROWS && `: the first ${PREVIEW_ROWS} shown`}
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            {plan.columns.map((f) => (
              <th key={f.id} scope="col">
                {f.label || f.id}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, i) => (
            <tr key={i} aria-invalid={row.error !== null || undefined} className={row.error !== null ? 'list-preview__row--bad' : undefined}>
              <th scope="row">{i + 1}</th>
              {plan.columns.map((f) => (
                <td key={f.id}>{row.values[f.id] === undefined ? <span className="muted">(the form’s)</span> : String(row.values[f.id])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
