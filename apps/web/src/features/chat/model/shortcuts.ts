/** What a keyboard shortcut does in the chat layout. */
export type ShortcutAction = 'new-chat' | 'search' | 'focus-composer' | 'help'

export interface Shortcut {
  action: ShortcutAction
  /** As shown in the help dialog (Ctrl stands for ⌘ on a Mac). */
  keys: string[]
  description: string
}

/**
 * The same keys as ChatGPT's, which most people coming from a hosted chat already know. `?` opens the help only
 * outside text fields, where it would otherwise be typed.
 */
export const SHORTCUTS: Shortcut[] = [
  { action: 'new-chat', keys: ['Ctrl', 'Shift', 'O'], description: 'New chat' },
  { action: 'search', keys: ['Ctrl', 'K'], description: 'Search conversations' },
  { action: 'focus-composer', keys: ['Shift', 'Esc'], description: 'Focus the message box' },
  { action: 'help', keys: ['Ctrl', '/'], description: 'Show keyboard shortcuts (also ? outside text fields)' },
]

/** Keys the help lists without being shortcuts the layout handles itself. */
export const OTHER_KEYS: Shortcut[] = [
  { action: 'focus-composer', keys: ['Enter'], description: 'Send the message (on a touch screen: new line)' },
  { action: 'focus-composer', keys: ['Shift', 'Enter'], description: 'New line' },
  { action: 'focus-composer', keys: ['Esc'], description: 'Stop the reply being written (in the message box)' },
  {
    action: 'focus-composer',
    keys: ['/'],
    description: 'Your saved prompts (typed first in the message box; ↑ ↓ choose, Enter takes one, Esc closes)',
  },
]

export interface KeyInput {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
  /** The key was pressed in a text field, where `?` is text. */
  inTextField: boolean
}

/** The shortcut a key press means, if any. */
export function shortcutFor(input: KeyInput): ShortcutAction | undefined {
  const command = input.ctrlKey || input.metaKey
  if (input.altKey) return undefined
  const key = input.key.toLowerCase()
  if (command && input.shiftKey && key === 'o') return 'new-chat'
  if (command && !input.shiftKey && key === 'k') return 'search'
  if (command && key === '/') return 'help'
  if (!command && input.shiftKey && key === 'escape') return 'focus-composer'
  if (!command && key === '?' && !input.inTextField) return 'help'
  return undefined
}

/** Whether focus is somewhere typing goes (so `?` there is a character, not a shortcut). */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type)
}
