import { Fragment } from 'react'
import { chordLabels, isApplePlatform, shortcuts, type Keys, type ShortcutId } from './shortcuts'

const apple = isApplePlatform()

/** One way to press a shortcut as keycaps: Ctrl + Enter, ⌘A, G then R (read out as written). */
function KeySequence({ keys }: { keys: Keys }) {
  return (
    <span className="keys">
      {keys.map((chord, i) => (
        <Fragment key={i}>
          {i > 0 && <span className="keys__then"> then </span>}
          {chordLabels(chord, apple).map((label, j) => (
            <Fragment key={j}>
              {j > 0 && !apple && <span className="keys__plus">+</span>}
              <kbd className="kbd">{label}</kbd>
            </Fragment>
          ))}
        </Fragment>
      ))}
    </span>
  )
}

/** The keys of a shortcut from the shortcut table, alternatives separated by "or". */
export function ShortcutKeys({ id }: { id: ShortcutId }) {
  const { keys } = shortcuts[id]
  return (
    <>
      {keys.map((k, i) => (
        <Fragment key={i}>
          {i > 0 && <span className="keys__or"> or </span>}
          <KeySequence keys={k} />
        </Fragment>
      ))}
    </>
  )
}
