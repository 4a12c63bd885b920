import { useId } from 'react'
import { useTemporaryLifetime } from './temporary-lifetime.ts'

/**
 * The new-chat screen's choice of a temporary chat. A plain checkbox, like the app's other on/off choices; the hint
 * is its description rather than part of its label, so screen readers announce the name "Temporary chat" alone.
 */
export function TemporaryChatToggle({ checked, onChange }: { checked: boolean; onChange: (next: boolean) => void }) {
  const hintId = useId()
  const lifetime = useTemporaryLifetime()
  return (
    <div className="temporary-chat-toggle">
      <label className="checkbox">
        <input
          type="checkbox"
          checked={checked}
          aria-describedby={hintId}
          onChange={(event) => onChange(event.target.checked)}
        />
        Temporary chat
      </label>
      <p id={hintId} className="field-hint">
        Not kept in your history{lifetime ? `; ${lifetime}` : ''}.
      </p>
    </div>
  )
}
