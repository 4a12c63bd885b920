import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from 'react'
import { flushSync } from 'react-dom'
import { usePromptSuggestions } from '../../prompts/components/prompt-suggestions.tsx'
import { useLimits } from '../api/chat-api.ts'
import { characterCount, lengthStatus } from '../model/message-length.ts'

interface ComposerProps {
  onSend: (text: string) => void
  onStop?: (() => void) | undefined
  streaming?: boolean
  autoFocus?: boolean
  /** A message the server refused (a limit reached): put back in the box when it is empty, so nothing is lost. */
  restore?: { text: string } | undefined
}

/** Touch devices have no Shift key at hand: there Enter adds a line and the button sends. */
const coarsePointer = () => typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches

/**
 * The message box: Enter sends, Shift+Enter adds a line, Esc stops a streaming reply, "/" offers the saved prompts.
 * Text over the server's limit stays in the box with a counter saying by how much, and is not sent.
 */
export function Composer({ onSend, onStop, streaming = false, autoFocus = false, restore }: ComposerProps) {
  const [text, setText] = useState('')
  // Adjusted while rendering, when a new refusal arrives (React's pattern for state that follows a prop).
  const [restored, setRestored] = useState(restore)
  if (restore !== restored) {
    setRestored(restore)
    if (restore && !text) setText(restore.text)
  }
  const input = useRef<HTMLTextAreaElement>(null)
  const counterId = useId()
  const limits = useLimits()
  const length = lengthStatus(characterCount(text), limits.data?.max_message_length)
  const suggestions = usePromptSuggestions(text, input, (content) => {
    // Rendered at once, so the caret can go after the new text.
    flushSync(() => setText(content))
    input.current?.focus()
    input.current?.setSelectionRange(content.length, content.length)
  })

  function submit(event?: FormEvent) {
    event?.preventDefault()
    const content = text.trim()
    if (!content || streaming || length.over) return
    onSend(content)
    setText('')
    input.current?.focus()
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (suggestions.onKeyDown(event)) return
    // Shift+Esc is the shortcut that focuses this box (model/shortcuts.ts), never a stop.
    if (event.key === 'Escape' && !event.shiftKey && streaming && onStop) {
      event.preventDefault()
      onStop()
      return
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing && !coarsePointer()) submit(event)
  }

  // The prompts' popup sits outside the message form: it may be a form of its own, and forms do not nest.
  return (
    <div className="composer">
      {suggestions.popup}
      <form className="composer-form" onSubmit={submit}>
        <div className="composer-field">
          <textarea
            {...suggestions.inputProps}
            ref={input}
            id="composer"
            aria-label="Message"
            aria-describedby={length.show ? counterId : undefined}
            aria-invalid={length.over || undefined}
            placeholder="Send a message"
            rows={2}
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onKeyDown}
            autoFocus={autoFocus}
          />
          {length.show && (
            <p id={counterId} className={length.over ? 'composer-counter over' : 'composer-counter'} aria-live="polite">
              {length.message}
            </p>
          )}
        </div>
        {streaming && onStop ? (
          <button type="button" className="button" onClick={onStop} aria-keyshortcuts="Escape">
            Stop
          </button>
        ) : (
          <button type="submit" className="button primary" disabled={!text.trim() || length.over}>
            Send
          </button>
        )}
      </form>
    </div>
  )
}
