import { useId } from 'react'
import type { Deployment } from '@shared/deployment'
import { GRID_MAX_AXES } from '@shared/grid'
import { modesFor, type AxisMode } from '@shared/grid-axes'
import { useCourier } from '../../store/context'
import type { AxisDraft } from '../../store/types'
import { axisFields, axisName, canAddAxis, draftFor, modeHints, modeLabels, newAxis, rollSeeds, type GridPlan, type PlannedAxis } from './plan'

let keys = 1000
const nextKey = () => ++keys

/** How many values a preview lists before "and 12 more". */
const PREVIEW_MAX = 12

/**
 * The grid editor (Generate's "X/Y grid"): up to three axes, each an input of the deployment and the values it
 * takes, typed as a spec with its values previewed (or its error) under it. The form below holds the fixed inputs.
 */
export function GridEditor({ deployment, plan }: { deployment: Deployment; plan: GridPlan }) {
  const axes = useCourier((s) => s.grids.axes)
  const setAxes = useCourier((s) => s.grids.setAxes)
  const change = (key: number, next: Partial<AxisDraft>) => setAxes(axes.map((a) => (a.key === key ? { ...a, ...next } : a)))
  const add = () => {
    const axis = newAxis(deployment, axes.map((a) => a.input), nextKey())
    if (axis !== null) setAxes([...axes, axis])
  }
  const remove = (key: number) => setAxes(axes.filter((a) => a.key !== key))

  return (
    <section className="grid-editor" aria-labelledby="grid-editor-title">
      <div className="grid-editor__head">
        <h2 id="grid-editor-title" className="grid-editor__title">
          Axes
        </h2>
        <p className="muted grid-editor__sub">
          X and Y make the grid; Z makes one page per value. Every cell is a run of its own, with the fixed inputs below.
        </p>
      </div>
      {plan.axes.length === 0 ? (
        <p className="muted">No axis yet: add one to choose the input the grid varies.</p>
      ) : (
        <ol className="grid-editor__axes">
          {plan.axes.map((axis, i) => (
            <AxisRow key={axis.draft.key} index={i} axis={axis} deployment={deployment} taken={axes.filter((a) => a.key !== axis.draft.key).map((a) => a.input)} onChange={(next) => change(axis.draft.key, next)} onRemove={() => remove(axis.draft.key)} />
          ))}
        </ol>
      )}
      {canAddAxis(deployment, axes) && (
        <button type="button" className="btn btn--small" onClick={add}>
          Add {axisName(axes.length)} axis
        </button>
      )}
      {axes.length >= GRID_MAX_AXES && <p className="muted grid-editor__note">A grid has at most {GRID_MAX_AXES} axes.</p>}
    </section>
  )
}

function AxisRow({
  index,
  axis,
  deployment,
  taken,
  onChange,
  onRemove,
}: {
  index: number
  axis: PlannedAxis
  deployment: Deployment
  taken: string[]
  onChange(next: Partial<AxisDraft>): void
  onRemove(): void
}) {
  const id = useId()
  const { draft, field, parse } = axis
  const name = axisName(index)
  const fields = axisFields(deployment).filter((f) => !taken.includes(f.id))
  const modes: AxisMode[] = field === undefined ? ['values'] : modesFor(field)
  const helpId = `${id}-help`
  const resultId = `${id}-result`
  const roll = (count: number) => {
    if (field !== undefined) onChange({ mode: 'random', count, rolled: rollSeeds(field, count) })
  }
  const values = parse.ok ? parse.labels : []
  return (
    <li className="axis" data-axis={name} aria-label={`${name} axis`}>
      <span className="axis__name" aria-hidden="true">
        {name}
      </span>
      <div className="axis__body">
        <div className="axis__row">
          <label className="axis__field">
            <span className="axis__label">{name} axis input</span>
            <select
              className="input select"
              value={draft.input}
              onChange={(e) => {
                const next = deployment.inputs.find((f) => f.id === e.target.value)
                if (next !== undefined) onChange({ ...draftFor(next, draft.key) })
              }}
            >
              {field === undefined && <option value={draft.input}>{draft.input} (not in this form)</option>}
              {fields.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label || f.id}
                </option>
              ))}
            </select>
          </label>
          {modes.length > 1 && (
            <label className="axis__field">
              <span className="axis__label">{name} axis values from</span>
              <select
                className="input select"
                value={draft.mode}
                onChange={(e) => {
                  const mode = e.target.value as AxisMode
                  if (mode === 'random') roll(draft.count)
                  else onChange({ mode, rolled: null })
                }}
              >
                {modes.map((m) => (
                  <option key={m} value={m}>
                    {modeLabels[m]}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" className="btn btn--small btn--ghost axis__remove" onClick={onRemove} aria-label={`Remove the ${name} axis`}>
            Remove
          </button>
        </div>
        {draft.mode === 'random' ? (
          <div className="axis__row">
            <label className="axis__field axis__field--count">
              <span className="axis__label">How many seeds</span>
              <input
                className="input input--number"
                type="number"
                min={1}
                max={400}
                value={draft.count}
                aria-describedby={`${helpId} ${resultId}`}
                onChange={(e) => {
                  const n = Number.parseInt(e.target.value, 10)
                  if (Number.isFinite(n)) roll(n)
                }}
              />
            </label>
            <button type="button" className="btn btn--small" onClick={() => roll(draft.count)}>
              New seeds
            </button>
          </div>
        ) : draft.mode === 'fill' ? null : (
          <label className="axis__field axis__field--spec">
            <span className="axis__label">{name} axis values</span>
            {draft.mode === 'lines' ? (
              <textarea
                className="input input--mono axis__spec"
                rows={4}
                value={draft.text}
                aria-invalid={!parse.ok || undefined}
                aria-describedby={`${helpId} ${resultId}`}
                onChange={(e) => onChange({ text: e.target.value })}
                spellCheck
              />
            ) : (
              <input
                className="input input--mono axis__spec"
                type="text"
                value={draft.text}
                placeholder={draft.mode === 'sr' ? 'dog, cat, red fox' : field?.kind === 'enum' ? (field.options ?? []).slice(0, 3).join(', ') : '1-10 (+2)'}
                aria-invalid={!parse.ok || undefined}
                aria-describedby={`${helpId} ${resultId}`}
                onChange={(e) => onChange({ text: e.target.value })}
                spellCheck={false}
              />
            )}
          </label>
        )}
        <p id={helpId} className="field__help axis__hint">
          {modeHints[draft.mode]}
        </p>
        {parse.ok ? (
          <p id={resultId} className="axis__preview" aria-live="polite">
            <span className="axis__count">
              {values.length} {values.length === 1 ? 'value' : 'values'}
            </span>
            <span className="visually-hidden">: </span>
            {values.slice(0, PREVIEW_MAX).map((label, i) => (
              <span key={i} className="axis__chip" title={label}>
                {label}
              </span>
            ))}
            {values.length > PREVIEW_MAX && <span className="muted"> and {values.length - PREVIEW_MAX} more</span>}
          </p>
        ) : (
          <p id={resultId} className="field__error axis__error" role="alert">
            {parse.error}
          </p>
        )}
      </div>
    </li>
  )
}
