/** The search field of a filter bar, with a spinner while the list it filters is loading. */
export function SearchBox(props: {
  label: string
  placeholder: string
  value: string
  onChange: (value: string) => void
  busy: boolean
  busyLabel: string
}) {
  return (
    <div className="search filters__search">
      <input
        className="input search__input"
        type="search"
        aria-label={props.label}
        placeholder={props.placeholder}
        value={props.value}
        maxLength={200}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.busy && <span className="spinner spinner--small search__spinner" role="status" aria-label={props.busyLabel} />}
    </div>
  )
}
