import { Dialog } from '../../../components/ui/dialog.tsx'
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

/** The keyboard shortcuts, listed in a modal dialog. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} className="shortcuts-dialog">
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
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  )
}
