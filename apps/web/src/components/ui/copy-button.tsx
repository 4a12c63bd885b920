import { useState } from 'react'

/**
 * Copies `text()` to the clipboard and says so for a moment ("Copied", also told to screen readers). `icon` shows
 * a copy icon instead of the word "Copy" (its name is `label` either way).
 */
export function CopyButton({
  text,
  label = 'Copy',
  className = 'button small',
  icon = false,
}: {
  text: () => string
  label?: string
  className?: string
  icon?: boolean
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
        {icon ? (
          <>
            <span className="copy-icon" aria-hidden="true" />
            {copied && 'Copied'}
          </>
        ) : copied ? (
          'Copied'
        ) : (
          'Copy'
        )}
      </button>
      <span role="status" className="visually-hidden">
        {copied ? 'Copied' : ''}
      </span>
    </>
  )
}
