import type { Prompt } from '@parley/protocol'
import { type KeyboardEvent, type RefObject, useId, useState } from 'react'
import { useDisplayName } from '../../auth/components/auth-provider.tsx'
import { usePrompts } from '../api/prompts-api.ts'
import { customBlanks, fillPrompt } from '../model/prompt-template.ts'
import { PromptFillForm } from './prompt-fill-form.tsx'

const MAX_SHOWN = 8

/**
 * The message box's "/" suggestions: while the box holds only "/" and the start of a name, the saved prompts of that
 * name are listed above it. Up and Down choose, Enter or Tab puts the prompt's text in the box (its built-in blanks
 * filled), Esc closes the list. The box stays focused throughout; the list is its `aria-activedescendant` popup.
 * A prompt with blanks of its own opens a form in the list's place instead, and its text reaches the box once they
 * are filled in; giving up goes back to the list and the box, as they were.
 */
export function usePromptSuggestions(
  text: string,
  box: RefObject<HTMLTextAreaElement | null>,
  onPick: (content: string) => void,
) {
  const prompts = usePrompts()
  const user = useDisplayName()
  const listId = useId()
  const [active, setActive] = useState(0)
  const [dismissedAt, setDismissedAt] = useState<string>()
  const [filling, setFilling] = useState<{ prompt: Prompt; blanks: string[]; at: string }>()
  // The form belongs to what the box held when the prompt was chosen, and closes once that is changed.
  if (filling && filling.at !== text) setFilling(undefined)
  const typed = /^\/([a-z0-9_-]*)$/i.exec(text)?.[1]?.toLowerCase()
  const matches =
    typed === undefined || dismissedAt === text || filling
      ? []
      : (prompts.data ?? []).filter((prompt) => prompt.name.startsWith(typed)).slice(0, MAX_SHOWN)
  const open = matches.length > 0
  const current = Math.min(active, matches.length - 1)
  const optionId = (index: number) => `${listId}-${index}`

  function insert(prompt: Prompt, values: ReadonlyMap<string, string> = new Map()) {
    setActive(0)
    setFilling(undefined)
    onPick(fillPrompt(prompt.content, values, { now: new Date(), user }))
  }

  function pick(prompt: Prompt) {
    const blanks = customBlanks(prompt.content)
    if (blanks.length > 0) setFilling({ prompt, blanks, at: text })
    else insert(prompt)
  }

  function cancelFilling() {
    setFilling(undefined)
    box.current?.focus()
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

  const popup = filling ? (
    <PromptFillForm
      name={filling.prompt.name}
      blanks={filling.blanks}
      onInsert={(values) => insert(filling.prompt, values)}
      onCancel={cancelFilling}
    />
  ) : open ? (
    <ul role="listbox" id={listId} aria-label="Saved prompts" className="prompt-popup prompt-suggestions">
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
  return { popup, inputProps, onKeyDown }
}
