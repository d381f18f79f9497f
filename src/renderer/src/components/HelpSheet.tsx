import { useId, useRef } from 'react'
import { ShortcutKeys } from '../keyboard/ShortcutKeys'
import { sections, shortcuts, type Section, type ShortcutId } from '../keyboard/shortcuts'
import { Modal } from './Modal'
import { DialogHead } from './DialogHead'

const ids = Object.keys(shortcuts) as ShortcutId[]
const inSection = (section: Section): ShortcutId[] => ids.filter((id) => shortcuts[id].section === section)

/** Where each group of shortcuts applies, said once under its heading. */
const where: Record<Section, string> = {
  Anywhere: 'Outside text boxes.',
  Generate: 'In the Generate view, also while typing.',
  Gallery: 'With a tile focused.',
  Lightbox: 'While an output is shown large.',
  Webhooks: 'In the list of received webhooks.',
}

/** The keyboard shortcuts sheet (`?`): every shortcut, drawn from the same table the key handlers use. */
export function HelpSheet({ onClose }: { onClose(): void }) {
  const titleId = useId()
  const closeRef = useRef<HTMLButtonElement>(null)
  return (
    <Modal className="dialog dialog--help" labelledBy={titleId} onClose={onClose} initialFocus={closeRef}>
      <DialogHead titleId={titleId} title="Keyboard shortcuts" onClose={onClose} closeRef={closeRef} />
      {/* Focusable so a long sheet can be scrolled from the keyboard. */}
      <div className="dialog__body help-sheet" tabIndex={0} role="region" aria-label="Shortcuts by place">
        {sections.map((section) => (
          <section key={section} className="help-sheet__section" aria-labelledby={`${titleId}-${section}`}>
            <h3 id={`${titleId}-${section}`} className="help-sheet__title">
              {section}
            </h3>
            <p className="help-sheet__where muted">{where[section]}</p>
            <table className="help-sheet__table">
              <tbody>
                {inSection(section).map((id) => (
                  <tr key={id} data-shortcut={id}>
                    <th scope="row">{shortcuts[id].description}</th>
                    <td>
                      <ShortcutKeys id={id} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </Modal>
  )
}
