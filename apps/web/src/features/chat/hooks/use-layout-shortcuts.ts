import { useEffect, useRef } from 'react'
import { isTextField, type ShortcutAction, shortcutFor } from '../model/shortcuts.ts'

/** Calls `run` with the shortcut of each key press on the page (the latest `run`, so it may close over state). */
export function useLayoutShortcuts(run: (action: ShortcutAction) => void, enabled: boolean) {
  const latest = useRef(run)
  useEffect(() => {
    latest.current = run
  })
  useEffect(() => {
    if (!enabled) return
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        shiftKey: event.shiftKey,
        altKey: event.altKey,
        inTextField: isTextField(event.target),
      })
      if (!action) return
      event.preventDefault()
      latest.current(action)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [enabled])
}
