import { type ComponentProps, memo } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { CodeBlock } from './code-block.tsx'
import { rehypeHighlightCode } from './highlight.ts'

interface MdNode {
  type: string
  value?: string
  children?: MdNode[]
}

/**
 * Raw HTML in model output is shown as the text it is, never parsed: react-markdown already refuses to
 * render it (no rehype-raw), and this turns it into visible text instead of silently dropping it.
 */
function remarkHtmlAsText() {
  const visit = (node: MdNode) => {
    if (node.type === 'html') node.type = 'text'
    node.children?.forEach(visit)
  }
  return (tree: MdNode) => visit(tree)
}

function Link({ href, children, node: _node, ...rest }: ComponentProps<'a'> & { node?: unknown }) {
  // react-markdown's default urlTransform has already emptied javascript:, vbscript: and data: URLs.
  if (!href) return <span className="md-dead-link">{children}</span>
  return (
    <a {...rest} href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  )
}

const components: Components = {
  a: Link,
  pre: ({ children }) => <CodeBlock>{children}</CodeBlock>,
  img: ({ alt }) => <span className="md-image-alt">{alt ? `[image: ${alt}]` : '[image]'}</span>,
}

const remarkPlugins = [remarkGfm, remarkHtmlAsText]
const rehypePlugins = [rehypeHighlightCode]

/** Renders reply Markdown (GFM: tables, task lists, strikethrough; highlighted code) without ever injecting HTML. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  )
})
