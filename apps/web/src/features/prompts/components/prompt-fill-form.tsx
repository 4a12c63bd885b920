import { type FormEvent, type KeyboardEvent, useId } from 'react'
import { TextField } from '../../../components/ui/text-field.tsx'

/**
 * Asks for a saved prompt's blanks, above the message box where the "/" list was (not a modal dialog): one field per
 * blank, the first focused. Enter goes to the next field and, in the last, inserts (as Insert does); Esc or Cancel
 * gives up. A field left empty stands for an empty string.
 */
export function PromptFillForm({
  name,
  blanks,
  onInsert,
  onCancel,
}: {
  /** The prompt's name, the form's title. */
  name: string
  blanks: readonly string[]
  onInsert: (values: ReadonlyMap<string, string>) => void
  onCancel: () => void
}) {
  const titleId = useId()

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    onInsert(new Map(blanks.map((blank) => [blank, String(form.get(blank) ?? '')])))
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    // Shift+Esc is the shortcut that focuses the message box (chat/model/shortcuts.ts).
    if (event.key === 'Escape' && !event.shiftKey) {
      event.preventDefault()
      onCancel()
    } else if (event.key === 'Enter' && !event.nativeEvent.isComposing && event.target instanceof HTMLInputElement) {
      const fields = [...event.currentTarget.querySelectorAll('input')]
      const next = fields[fields.indexOf(event.target) + 1]
      if (next) {
        event.preventDefault()
        next.focus()
      }
    }
  }

  return (
    <form
      className="prompt-popup prompt-fill"
      aria-labelledby={titleId}
      onSubmit={onSubmit}
      onKeyDown={onKeyDown}
      noValidate
    >
      <h2 id={titleId}>
        <code>/{name}</code>
      </h2>
      {blanks.map((blank, index) => (
        <TextField key={blank} label={blank} name={blank} autoComplete="off" autoFocus={index === 0} />
      ))}
      <div className="form-actions">
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button small primary">
          Insert
        </button>
      </div>
    </form>
  )
}
