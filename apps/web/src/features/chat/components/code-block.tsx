import { type ReactNode, useRef } from 'react'
import { CopyButton } from '../../../components/ui/copy-button.tsx'

/**
 * A fenced code block: a bar above the code with its language and a copy button (never over the code), then the
 * code, scrolling sideways. The text copied is read from the rendered block, so it is exactly what is shown.
 */
export function CodeBlock({ language, children }: { language?: string | undefined; children: ReactNode }) {
  const pre = useRef<HTMLPreElement>(null)
  return (
    <div className="code-block">
      <div className="code-block-bar">
        <span className="code-language">{language ?? 'code'}</span>
        <CopyButton className="code-copy" label="Copy code" text={() => pre.current?.textContent ?? ''} />
      </div>
      <pre ref={pre}>{children}</pre>
    </div>
  )
}
