import { type ReactNode, useRef, useState } from 'react'

/** A fenced code block with a copy button (the text is read from the rendered block, so it is exactly what is shown). */
export function CodeBlock({ children }: { children: ReactNode }) {
  const pre = useRef<HTMLPreElement>(null)
  const [copied, setCopied] = useState(false)

  async function copy() {
    const text = pre.current?.textContent ?? ''
    try {
      await navigator.clipboard.writeText(text)
      setCopied(true)
      setTimeout(() => setCopied(false), 1_500)
    } catch {
      setCopied(false)
    }
  }

  return (
    <div className="code-block">
      <button type="button" className="code-copy" onClick={() => void copy()} aria-label="Copy code">
        {copied ? 'Copied' : 'Copy'}
      </button>
      <pre ref={pre}>{children}</pre>
    </div>
  )
}
