import { type ReactNode, useRef } from 'react'
import { CopyButton } from '../../../components/ui/copy-button.tsx'

/** A fenced code block with a copy button (the text is read from the rendered block, so it is exactly what is shown). */
export function CodeBlock({ children }: { children: ReactNode }) {
  const pre = useRef<HTMLPreElement>(null)
  return (
    <div className="code-block">
      <CopyButton className="code-copy" label="Copy code" text={() => pre.current?.textContent ?? ''} />
      <pre ref={pre}>{children}</pre>
    </div>
  )
}
