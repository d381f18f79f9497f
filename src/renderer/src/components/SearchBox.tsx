/** The search field of a filter bar, with a spinner while the list it filters is loading. */
export function SearchBox(props: {
  label: string
  placeholder: string
  value: string
  onChange: (value: string) => void
  busy: boolean
  busyLabel: string
  /**
   * Enter, taken on the key itself: the browser's form submission that would follow costs a frame or
   * two before any handler runs, which is most of a search's budget.
   */
  onEnter?: () => void
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
        onKeyDown={(e) => {
          if (!props.onEnter || e.key !== 'Enter' || e.nativeEvent.isComposing || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return
          e.preventDefault()
          props.onEnter()
        }}
      />
      {props.busy && <span className="spinner spinner--small search__spinner" role="status" aria-label={props.busyLabel} />}
    </div>
  )
}
