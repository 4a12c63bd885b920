import type { Prompt } from '@parley/protocol'
import { type KeyboardEvent, useId, useState } from 'react'
import { usePrompts } from '../api/prompts-api.ts'

const MAX_SHOWN = 8

/**
 * The message box's "/" suggestions: while the box holds only "/" and the start of a name, the saved prompts of that
 * name are listed above it. Up and Down choose, Enter or Tab puts the prompt's text in the box, Esc closes the list.
 * The box stays focused throughout; the list is its `aria-activedescendant` popup.
 */
export function usePromptSuggestions(text: string, onPick: (content: string) => void) {
  const prompts = usePrompts()
  const listId = useId()
  const [active, setActive] = useState(0)
  const [dismissedAt, setDismissedAt] = useState<string>()
  const typed = /^\/([a-z0-9_-]*)$/i.exec(text)?.[1]?.toLowerCase()
  const matches =
    typed === undefined || dismissedAt === text
      ? []
      : (prompts.data ?? []).filter((prompt) => prompt.name.startsWith(typed)).slice(0, MAX_SHOWN)
  const open = matches.length > 0
  const current = Math.min(active, matches.length - 1)
  const optionId = (index: number) => `${listId}-${index}`

  function pick(prompt: Prompt) {
    setActive(0)
    onPick(prompt.content)
  }

  /** Answers the keys the open list uses; true when it used this one. */
  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (!open || event.nativeEvent.isComposing) return false
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      setActive((current + step + matches.length) % matches.length)
      return true
    }
    if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      event.preventDefault()
      pick(matches[current]!)
      return true
    }
    if (event.key === 'Escape' && !event.shiftKey) {
      event.preventDefault()
      setDismissedAt(text)
      return true
    }
    return false
  }

  const list = open ? (
    <ul role="listbox" id={listId} aria-label="Saved prompts" className="prompt-suggestions">
      {matches.map((prompt, index) => (
        <li
          key={prompt.id}
          id={optionId(index)}
          role="option"
          aria-selected={index === current}
          // Keeps the focus in the message box.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => pick(prompt)}
        >
          <code>/{prompt.name}</code>
          {prompt.shared && <span className="prompt-badge">Shared</span>}
          <span className="prompt-preview">{prompt.content}</span>
        </li>
      ))}
    </ul>
  ) : null

  const inputProps = {
    'aria-autocomplete': 'list' as const,
    ...(open ? { 'aria-controls': listId, 'aria-activedescendant': optionId(current) } : {}),
  }
  return { list, inputProps, onKeyDown }
}
