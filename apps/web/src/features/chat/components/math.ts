import type { Element, Root } from 'hast'
import { fromDom } from 'hast-util-from-dom'
import type Katex from 'katex'
import { announceArrival } from './arrivals.ts'
import { textOf } from './hast-text.ts'

/**
 * KaTeX (with its stylesheet, about half of what Markdown needs) is fetched when a reply first has a formula and
 * announces its arrival; until then a formula shows its source.
 */
let katex: typeof Katex | undefined
let requested = false

function loadKatex() {
  if (requested) return
  requested = true
  Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(
    ([module]) => {
      katex = module.default
      announceArrival()
    },
    () => void (requested = false), // offline for a moment: a later formula asks again
  )
}

/** Formulas already rendered, by mode and source: a streaming reply re-renders its Markdown on every piece of text. */
const rendered = new Map<string, Element>()
const CACHE_SIZE = 500

/**
 * KaTeX's rendering of one formula as hast. KaTeX builds it with DOM calls (createElement, text nodes, never
 * `innerHTML`) into a detached element, which is converted node by node: no HTML is parsed. `trust: false` keeps
 * `\href`, `\url`, `\includegraphics` and `\html…` commands out; a formula with an error shows its source in red.
 * Until KaTeX has arrived, the formula's source stands in for it (`span.math-pending`).
 */
function renderFormula(tex: string, display: boolean): Element | undefined {
  const key = `${display ? 'display' : 'inline'}:${tex}`
  let formula = rendered.get(key)
  if (!formula) {
    if (!katex) {
      loadKatex()
      return {
        type: 'element',
        tagName: 'span',
        properties: { className: ['math-pending'] },
        children: [{ type: 'text', value: tex }],
      }
    }
    const host = document.createElement('span')
    try {
      katex.render(tex, host, {
        displayMode: display,
        throwOnError: false,
        trust: false,
        strict: 'ignore',
        output: 'htmlAndMathml',
        // Bounds what a hostile formula can cost: sizes in em, macro expansions.
        maxSize: 20,
        maxExpand: 500,
      })
    } catch {
      return undefined
    }
    const root = host.firstChild
    if (!root) return undefined
    formula = fromDom(root) as Element
    if (rendered.size >= CACHE_SIZE) rendered.delete(rendered.keys().next().value!)
    rendered.set(key, formula)
  }
  return structuredClone(formula)
}

/** remark-math's output: `code.language-math.math-inline`, and `pre > code.language-math.math-display`. */
function mathOf(node: Element): 'inline' | 'display' | undefined {
  const classes = Array.isArray(node.properties.className) ? node.properties.className : []
  if (!classes.includes('language-math')) return undefined
  return classes.includes('math-display') ? 'display' : 'inline'
}

/**
 * Rehype plugin: typesets the math remark-math found (`$…$` inline, `$$…$$` on lines of their own) with KaTeX.
 * Display math becomes a `div.math-display` that scrolls sideways when wider than the message.
 */
export function rehypeKatexSafe() {
  const visit = (parent: Root | Element) => {
    parent.children = parent.children.map((child) => {
      if (child.type !== 'element') return child
      const code =
        child.tagName === 'pre'
          ? child.children.find((inner): inner is Element => inner.type === 'element' && inner.tagName === 'code')
          : child.tagName === 'code'
            ? child
            : undefined
      const kind = code && mathOf(code)
      if (!code || !kind) {
        visit(child)
        return child
      }
      const formula = renderFormula(textOf(code), kind === 'display')
      if (!formula) return child
      return kind === 'display'
        ? { type: 'element', tagName: 'div', properties: { className: ['math-display'] }, children: [formula] }
        : formula
    }) as typeof parent.children
  }
  return (tree: Root) => visit(tree)
}

/** A Markdown syntax tree node, as the remark plugins here read and rewrite it. */
export interface MdNode {
  type: string
  value?: string
  children?: MdNode[]
  position?: { start: { offset?: number }; end: { offset?: number } }
}

/**
 * Remark plugin: text between two single dollars is math only as Pandoc reads it, so that prices stay prices.
 * remark-math pairs any two `$`, which made "$5 and $10" a formula; such a pair, one whose formula starts or ends
 * with a space or whose closing `$` is followed by a digit, goes back to being the text it was. `$$…$$` is always
 * math.
 */
export function remarkDollarsAsText() {
  return (tree: MdNode, file: { value: unknown }) => {
    const source = String(file.value)
    const visit = (node: MdNode) => {
      node.children?.forEach((child, index, siblings) => {
        const start = child.position?.start.offset
        const end = child.position?.end.offset
        if (child.type !== 'inlineMath' || start === undefined || end === undefined) return visit(child)
        const raw = source.slice(start, end)
        const single = raw.startsWith('$') && !raw.startsWith('$$')
        const tex = raw.slice(1, -1)
        if (single && (/^\s|\s$/.test(tex) || /\d/.test(source.charAt(end)))) {
          siblings[index] = { type: 'text', value: raw }
        }
      })
    }
    visit(tree)
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/
/** An inline code span (kept as written), `\[…\]` or `\(…\)`. */
const CODE_SPAN_OR_TEX = /(`+)[\s\S]*?\1|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)/g

/**
 * Many models write LaTeX's own delimiters, `\(…\)` inline and `\[…\]` for display, which Markdown reads as escaped
 * brackets. Outside code (fenced blocks and inline spans stay as written) they become remark-math's `$$…$$`: a
 * `\[…\]` that has its lines to itself becomes a display block, any other an inline formula.
 */
export function texDelimitersAsDollars(markdown: string): string {
  if (!markdown.includes('\\(') && !markdown.includes('\\[')) return markdown
  const out: string[] = []
  let prose: string[] = []
  let fence: string | undefined
  const flush = () => {
    if (prose.length > 0) out.push(prose.join('\n').replace(CODE_SPAN_OR_TEX, dollars))
    prose = []
  }
  for (const line of markdown.split('\n')) {
    const marker = FENCE.exec(line)?.[1]
    if (fence) {
      out.push(line)
      const closes = marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker
      if (closes) fence = undefined
    } else if (marker) {
      flush()
      out.push(line)
      fence = marker
    } else prose.push(line)
  }
  flush()
  return out.join('\n')
}

function dollars(
  match: string,
  ticks: string | undefined,
  display: string | undefined,
  inline: string | undefined,
  offset: number,
  text: string,
) {
  if (ticks !== undefined) return match
  if (display === undefined) return `$$${inline}$$`
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1
  const indent = text.slice(lineStart, offset)
  const end = offset + match.length
  const ownLines = /^\s*$/.test(indent) && (end === text.length || text[end] === '\n')
  if (!ownLines) return `$$${display}$$`
  return `$$\n${indent}${display.trim()}\n${indent}$$`
}
