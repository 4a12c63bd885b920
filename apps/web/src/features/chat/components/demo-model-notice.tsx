import { useState } from 'react'
import { useModels } from '../api/chat-api.ts'

const DISMISSED_KEY = 'parley.demoModelNotice.dismissed'

function readDismissed() {
  try {
    return localStorage.getItem(DISMISSED_KEY) === '1'
  } catch {
    return false
  }
}

/** True when every model the server offers is its built-in demo model, i.e. no real model is configured. */
export function onlyDemoModel(models: { demo: boolean }[] | undefined) {
  return models !== undefined && models.length > 0 && models.every((model) => model.demo)
}

/** First-run hint on the new-chat screen: how to configure a real model. Dismissal is remembered (not secret). */
export function DemoModelNotice() {
  const models = useModels()
  const [dismissed, setDismissed] = useState(readDismissed)
  if (dismissed || !onlyDemoModel(models.data)) return null

  function dismiss() {
    setDismissed(true)
    try {
      localStorage.setItem(DISMISSED_KEY, '1')
    } catch {
      // Storage unavailable: the notice stays hidden for this visit only.
    }
  }

  return (
    <aside className="notice" aria-label="About the demo model">
      <p>
        Parley is running its built-in demo model, which gives canned replies. To use a real model, run{' '}
        <code>npx parley model pull smollm2-360m</code> and set <code>PARLEY_LOCAL_MODEL_PATH</code> to the file it
        saves, or list models in <code>PARLEY_MODELS</code>; then restart the server.
      </p>
      <button type="button" className="button small" onClick={dismiss}>
        Dismiss
      </button>
    </aside>
  )
}
