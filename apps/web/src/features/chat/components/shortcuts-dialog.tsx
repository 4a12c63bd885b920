import { useEffect, useId, useRef, useState } from 'react'
import { useFocusWrap } from '../../../lib/use-focus-wrap.ts'
import { OTHER_KEYS, type Shortcut, SHORTCUTS } from '../model/shortcuts.ts'

function Keys({ shortcut }: { shortcut: Shortcut }) {
  return (
    <span className="shortcut-keys">
      {shortcut.keys.map((key, index) => (
        <span key={key}>
          {index > 0 && ' + '}
          <kbd>{key}</kbd>
        </span>
      ))}
    </span>
  )
}

/**
 * The keyboard shortcuts, in a native modal `<dialog>` (the page behind is inert, Esc closes it); focus stays in
 * it and goes back to where it was when it closes.
 */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useFocusWrap(dialog, true)
  // Taken while rendering, before the Close button's autofocus moves focus into the dialog.
  const [previous] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null))
  useEffect(() => {
    const element = dialog.current
    if (element && !element.open) element.showModal()
    return () => {
      element?.close()
      // The dialog leaves the page as it closes, so the browser's own return of focus cannot be relied on.
      previous?.focus()
    }
  }, [previous])
  return (
    <dialog ref={dialog} className="dialog shortcuts-dialog" aria-labelledby={titleId} onClose={onClose}>
      <h2 id={titleId}>Keyboard shortcuts</h2>
      <table className="shortcuts-table">
        <caption className="visually-hidden">Keyboard shortcuts</caption>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {[...SHORTCUTS, ...OTHER_KEYS].map((shortcut) => (
            <tr key={shortcut.description}>
              <td>
                <Keys shortcut={shortcut} />
              </td>
              <td>{shortcut.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">On a Mac, ⌘ works wherever Ctrl is listed.</p>
      <form method="dialog" className="dialog-actions">
        <button type="submit" className="button" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  )
}
