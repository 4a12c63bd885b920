import type { Element, ElementContent, Root, RootContent } from 'hast'
import bash from 'highlight.js/lib/languages/bash'
import css from 'highlight.js/lib/languages/css'
import diff from 'highlight.js/lib/languages/diff'
import javascript from 'highlight.js/lib/languages/javascript'
import json from 'highlight.js/lib/languages/json'
import python from 'highlight.js/lib/languages/python'
import sql from 'highlight.js/lib/languages/sql'
import typescript from 'highlight.js/lib/languages/typescript'
import xml from 'highlight.js/lib/languages/xml'
import yaml from 'highlight.js/lib/languages/yaml'
import { createLowlight } from 'lowlight'

// A handful of languages keeps the Markdown chunk lean; their aliases (js, ts, py, sh, html, yml…) come with them.
const lowlight = createLowlight({ bash, css, diff, javascript, json, python, sql, typescript, xml, yaml })

function textOf(node: ElementContent | RootContent): string {
  if (node.type === 'text') return node.value
  return 'children' in node ? node.children.map(textOf).join('') : ''
}

function highlightCode(code: Element) {
  const classes = Array.isArray(code.properties.className) ? code.properties.className.map(String) : []
  const language = classes.find((name) => name.startsWith('language-'))?.slice('language-'.length)
  if (!language || !lowlight.registered(language)) return
  // lowlight returns a hast tree of spans with `hljs-*` classes and text: nothing is parsed as HTML.
  code.children = lowlight.highlight(language, code.children.map(textOf).join('')).children as ElementContent[]
  code.properties.className = [...classes, 'hljs']
}

/** Rehype plugin: syntax-highlights fenced code blocks (`pre > code.language-x`) whose language is registered. */
export function rehypeHighlightCode() {
  const visit = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue
      if (child.tagName === 'pre')
        child.children.forEach((inner) => inner.type === 'element' && inner.tagName === 'code' && highlightCode(inner))
      else visit(child)
    }
  }
  return (tree: Root) => visit(tree)
}
