import { Component, type ErrorInfo, type ReactNode } from 'react'

interface State {
  error: Error | null
}

/** Keeps one broken view from blanking the whole window. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null }

  static getDerivedStateFromError(error: Error): State {
    return { error }
  }

  override componentDidUpdate(prev: { resetKey: string }): void {
    if (prev.resetKey !== this.props.resetKey && this.state.error !== null) this.setState({ error: null })
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('view crashed', error, info.componentStack)
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children
    return (
      <div className="notice notice--error" role="alert">
        <div className="notice__body">
          <strong className="notice__advice">This view hit a problem inside Comfy Courier.</strong>
          <span className="notice__message">{this.state.error.message}</span>
        </div>
        <button type="button" className="btn btn--small" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    )
  }
}
