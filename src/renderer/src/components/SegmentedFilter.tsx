/**
 * A one-of-several filter as a row of toggle buttons: "All", then each choice with its count. Pressing the
 * chosen one again clears it. `attribute` names a `data-…` attribute each choice carries (specs find them by it).
 */
export function SegmentedFilter<T extends string>({
  label,
  allLabel,
  options,
  value,
  onChange,
  nameOf,
  countOf,
  titleOf,
  attribute,
}: {
  label: string
  allLabel: string
  options: readonly T[]
  value: T | null
  onChange(value: T | null): void
  nameOf(option: T): string
  /** The count shown beside a choice, as text; none when it is not known. */
  countOf(option: T): string | undefined
  titleOf?(option: T): string
  attribute: `data-${string}`
}) {
  return (
    <div className="segmented" role="group" aria-label={label}>
      <button type="button" className="segmented__item" aria-pressed={value === null} onClick={() => onChange(null)}>
        {allLabel}
      </button>
      {options.map((option) => {
        const count = countOf(option)
        return (
          <button
            key={option}
            type="button"
            className="segmented__item"
            aria-pressed={value === option}
            {...{ [attribute]: option }}
            title={titleOf?.(option)}
            onClick={() => onChange(value === option ? null : option)}
          >
            {nameOf(option)}
            {count !== undefined && <span className="segmented__count">{count}</span>}
          </button>
        )
      })}
    </div>
  )
}
