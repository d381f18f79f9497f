import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { courier, onTransportReconnect } from './api/courier'
import { bootstrap } from './bootstrap'
import { RuntimeProvider } from './store/context'
import { App } from './App'
import './styles.css'

const app = bootstrap(courier)
const lifetime = new AbortController()
onTransportReconnect(() => void app.store.getState().app.resync(), lifetime.signal)

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root')
createRoot(root).render(
  <StrictMode>
    <RuntimeProvider runtime={app}>
      <App />
    </RuntimeProvider>
  </StrictMode>,
)
