import type { MouseEvent } from 'react'
import { useCourier } from '../store/context'
import { activeRunCount } from '../store/selectors'
import type { View } from '../store/types'
import { isApplePlatform, keysText, shortcuts } from '../keyboard/shortcuts'
import { Icon } from './Icon'

const apple = isApplePlatform()

/** "Go to Runs — G then R": a shortcut from the one table, as a tooltip. */
function hint(id: `view.${View}` | 'help'): string {
  const shortcut = shortcuts[id]
  return `${shortcut.description} — ${shortcut.keys.map((keys) => keysText(keys, apple)).join(' or ')}`
}

/**
 * Spend sits beside Runs, whose costs it adds up; and before Gallery, so the way from the sidebar's Gallery
 * link to the gallery's first tile ("Skip to the outputs") stays as short as it was.
 */
const items: Array<{ view: View; label: string }> = [
  { view: 'generate', label: 'Generate' },
  { view: 'runs', label: 'Runs' },
  { view: 'spend', label: 'Spend' },
  { view: 'gallery', label: 'Gallery' },
  { view: 'webhooks', label: 'Webhooks' },
  { view: 'settings', label: 'Settings' },
]

export function Sidebar() {
  const current = useCourier((s) => s.nav.view)
  const go = useCourier((s) => s.nav.go)
  const active = useCourier(activeRunCount)
  const setHelpOpen = useCourier((s) => s.nav.setHelpOpen)

  const onClick = (view: View) => (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return
    e.preventDefault()
    go(view)
  }

  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand__mark" aria-hidden="true">◆</span>
        <span className="brand__name">Comfy Courier</span>
      </div>
      <nav aria-label="Main">
        <ul className="nav">
          {items.map(({ view, label }) => (
            <li key={view}>
              <a
                href={`#/${view}`}
                className={`nav__item${current === view ? ' nav__item--current' : ''}`}
                aria-current={current === view ? 'page' : undefined}
                title={hint(`view.${view}`)}
                onClick={onClick(view)}
              >
                <Icon name={view} />
                {/* Narrow windows show the icons only: the label stays the link's name, the tooltip says it too. */}
                <span className="nav__label">{label}</span>
                {view === 'runs' && active > 0 && (
                  <span className="nav__badge" aria-hidden="true" title={`${active} active`}>
                    {active}
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <button type="button" className="sidebar__help" aria-haspopup="dialog" aria-keyshortcuts="?" title={hint('help')} onClick={() => setHelpOpen(true)}>
        <span className="sidebar__help-label">Keyboard shortcuts</span>
        <kbd className="kbd" aria-hidden="true">
          ?
        </kbd>
      </button>
    </aside>
  )
}
