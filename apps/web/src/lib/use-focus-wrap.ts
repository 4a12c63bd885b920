import { type RefObject, useEffect } from 'react'

/** The controls that take focus with Tab. */
export const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/**
 * While `active`, Tab from the last control of `container` goes to its first and Shift+Tab from the first to the
 * last. The rest of the page is made `inert` (or is behind a modal `<dialog>`), so this only closes the loop that
 * would otherwise leave the page for the browser's own toolbar.
 */
export function useFocusWrap(container: RefObject<HTMLElement | null>, active: boolean) {
  useEffect(() => {
    const element = container.current
    if (!active || !element) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Tab') return
      const controls = [...element.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((control) =>
        control.checkVisibility({ visibilityProperty: true }),
      )
      const first = controls[0]
      const last = controls.at(-1)
      if (!first || !last) return
      const outside = !element.contains(document.activeElement)
      if (event.shiftKey && (document.activeElement === first || outside)) {
        event.preventDefault()
        last.focus()
      } else if (!event.shiftKey && (document.activeElement === last || outside)) {
        event.preventDefault()
        first.focus()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [container, active])
}
