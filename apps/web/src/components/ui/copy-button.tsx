import { useState } from 'react'

/** Copies `text()` to the clipboard and says so for a moment ("Copied", also told to screen readers). */
export function CopyButton({
  text,
  label = 'Copy',
  className = 'button small',
}: {
  text: () => string
  label?: string
  className?: string
}) {
  const [copied, setCopied] = useState(false)

  async function copy() {
    try {
      await navigator.clipboard.writeText(text())
      setCopied(true)
      setTimeout(() => setCopied(false), 1_500)
    } catch {
      setCopied(false)
    }
  }

  return (
    <>
      <button type="button" className={className} onClick={() => void copy()} aria-label={label}>
        {copied ? 'Copied' : 'Copy'}
      </button>
      <span role="status" className="visually-hidden">
        {copied ? 'Copied' : ''}
      </span>
    </>
  )
}
