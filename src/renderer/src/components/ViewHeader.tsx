import type { ReactNode } from 'react'

interface Props {
  /** The heading's id: the view's section is labelled by it. */
  id: string
  title: string
  /** One line under the title: what the view is for, or what it holds. */
  sub: ReactNode
  /** Controls at the header's end (Runs' filter, Webhooks' tunnel chip). */
  children?: ReactNode
}

/** A view's header: its title (the page's one h1), a line about it, and its controls. */
export function ViewHeader({ id, title, sub, children }: Props) {
  return (
    <header className="view__head">
      <div>
        <h1 id={id} className="view__title">
          {title}
        </h1>
        <p className="view__sub">{sub}</p>
      </div>
      {children}
    </header>
  )
}
