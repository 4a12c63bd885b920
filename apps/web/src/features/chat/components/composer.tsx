import { type FormEvent, type KeyboardEvent, useState } from 'react'
import { MAX_MESSAGE_LENGTH } from '@parley/protocol'

interface ComposerProps {
  onSend: (text: string) => void
  onStop?: (() => void) | undefined
  streaming?: boolean
  autoFocus?: boolean
}

/** The message box: Enter sends, Shift+Enter adds a line; while a reply streams it offers Stop. */
export function Composer({ onSend, onStop, streaming = false, autoFocus = false }: ComposerProps) {
  const [text, setText] = useState('')

  function submit(event?: FormEvent) {
    event?.preventDefault()
    const content = text.trim()
    if (!content || streaming) return
    onSend(content)
    setText('')
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) submit(event)
  }

  return (
    <form className="composer" onSubmit={submit}>
      <textarea
        aria-label="Message"
        placeholder="Send a message"
        rows={2}
        maxLength={MAX_MESSAGE_LENGTH}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        autoFocus={autoFocus}
      />
      {streaming && onStop ? (
        <button type="button" className="button" onClick={onStop}>
          Stop
        </button>
      ) : (
        <button type="submit" className="button primary" disabled={!text.trim()}>
          Send
        </button>
      )}
    </form>
  )
}
