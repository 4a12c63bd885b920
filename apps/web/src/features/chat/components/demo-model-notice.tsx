import { useState } from 'react'
import { Link } from 'react-router'
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

/**
 * Shown on the new-chat screen while only the demo model runs. Admins, who can change that, learn how (Operators →
 * Models, or the command line); everyone else reads a neutral sentence. Dismissal is remembered (not secret).
 */
export function DemoModelNotice({ isAdmin }: { isAdmin: boolean }) {
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
      {isAdmin ? (
        <p>
          No AI model is set up yet, so replies come from the built-in demo model. Download one or connect a provider in{' '}
          <Link to="/admin/models">Operators → Models</Link>; no restart is needed. From a terminal,{' '}
          <code>npx parley model pull smollm2-360m</code> does the same.
        </p>
      ) : (
        <p>This server is running a demo model for now, so replies are fixed sample text.</p>
      )}
      <button type="button" className="button small" onClick={dismiss}>
        Dismiss
      </button>
    </aside>
  )
}
