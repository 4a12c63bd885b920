import { type ReactNode, useEffect, useId, useRef, useState } from 'react'
import { FOCUSABLE, useFocusWrap } from '../../lib/use-focus-wrap.ts'

/**
 * A modal dialog on the native `<dialog>`: the page behind is inert and dimmed, Tab stays in the dialog, Escape
 * closes it (through `onClose`: the caller unmounts it), and focus goes back where it was.
 */
export function Dialog({
  title,
  onClose,
  className,
  children,
}: {
  title: string
  onClose: () => void
  /** Added to `dialog`, for a dialog with a layout of its own. */
  className?: string
  children: ReactNode
}) {
  const id = useId()
  const dialog = useRef<HTMLDialogElement>(null)
  useFocusWrap(dialog, true)
  // Taken while rendering, before focus moves into the dialog.
  const [previous] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null))
  useEffect(() => {
    const element = dialog.current
    if (!element) return
    if (!element.open) element.showModal()
    if (!element.contains(document.activeElement)) element.querySelector<HTMLElement>(FOCUSABLE)?.focus()
    return () => {
      element.close()
      // The dialog leaves the page as it closes, so the browser's own return of focus cannot be relied on.
      previous?.focus()
    }
  }, [previous])
  return (
    <dialog
      ref={dialog}
      className={className ? `dialog ${className}` : 'dialog'}
      aria-labelledby={id}
      onCancel={(event) => {
        event.preventDefault()
        onClose()
      }}
    >
      <h2 id={id}>{title}</h2>
      {children}
    </dialog>
  )
}
