import { type ReactNode, useEffect, useRef, useState } from 'react'

/**
 * A button for an action that cannot be taken back: the first press asks in place ("Revoke this key?"), focus
 * moves to the confirming button, and Cancel or Esc puts focus back on the first button.
 */
export function ConfirmButton({
  children,
  label,
  question,
  confirmLabel,
  onConfirm,
  disabled = false,
  className = 'button small',
}: {
  children: ReactNode
  /** The accessible name of the first button, when its text alone is ambiguous in a list. */
  label?: string
  question: string
  confirmLabel: string
  onConfirm: () => void
  disabled?: boolean
  className?: string
}) {
  const [asking, setAsking] = useState(false)
  const trigger = useRef<HTMLButtonElement>(null)
  const refocus = useRef(false)
  useEffect(() => {
    if (asking || !refocus.current) return
    refocus.current = false
    trigger.current?.focus()
  }, [asking])

  function cancel() {
    refocus.current = true
    setAsking(false)
  }

  if (asking) {
    return (
      <span
        className="confirm"
        role="group"
        aria-label={question}
        onKeyDown={(event) => event.key === 'Escape' && (event.stopPropagation(), cancel())}
      >
        <span className="confirm-question">{question}</span>
        <button
          type="button"
          className="button small danger"
          autoFocus
          onClick={() => {
            setAsking(false)
            onConfirm()
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" className="button small" onClick={cancel}>
          Cancel
        </button>
      </span>
    )
  }
  return (
    <button
      ref={trigger}
      type="button"
      className={className}
      disabled={disabled}
      aria-label={label}
      onClick={() => setAsking(true)}
    >
      {children}
    </button>
  )
}
