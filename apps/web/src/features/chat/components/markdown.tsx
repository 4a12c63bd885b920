import { type ComponentProps, memo, useSyncExternalStore } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import { CodeBlock } from './code-block.tsx'
import { arrivals, subscribeToArrivals } from './arrivals.ts'
import { rehypeHighlightCode } from './highlight.ts'
import { type MdNode, rehypeKatexSafe, remarkDollarsAsText, texDelimitersAsDollars } from './math.ts'

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

/** A task list's box: shown, not operable (it is the model's text), and named for screen readers. */
function Input({ node: _node, ...props }: ComponentProps<'input'> & { node?: unknown }) {
  if (props.type !== 'checkbox') return <input {...props} />
  return (
    <input
      type="checkbox"
      checked={Boolean(props.checked)}
      readOnly
      disabled
      aria-label={props.checked ? 'Done' : 'To do'}
    />
  )
}

const components: Components = {
  a: Link,
  pre: ({ children, node: _node, ...props }) => (
    <CodeBlock language={(props as { 'data-language'?: string })['data-language']}>{children}</CodeBlock>
  ),
  img: ({ alt }) => <span className="md-image-alt">{alt ? `[image: ${alt}]` : '[image]'}</span>,
  // Wide tables scroll sideways inside the message (focusable, so keyboards can scroll them too).
  table: ({ node: _node, ...props }) => (
    <div className="md-table" tabIndex={0}>
      <table {...props} />
    </div>
  ),
  input: Input,
}

const remarkPlugins = [remarkGfm, remarkMath, remarkDollarsAsText, remarkHtmlAsText]
// Math first: its `pre > code.language-math` blocks are formulas, not code blocks.
const rehypePlugins = [rehypeKatexSafe, rehypeHighlightCode]

/**
 * Renders reply Markdown (GFM: tables, task lists, strikethrough; math with KaTeX; highlighted code) without ever
 * injecting HTML. Renders again when a code block's grammar, or KaTeX for a formula, arrives.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  useSyncExternalStore(subscribeToArrivals, arrivals)
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {texDelimitersAsDollars(text)}
      </ReactMarkdown>
    </div>
  )
})
