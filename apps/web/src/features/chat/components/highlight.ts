import type { Element, ElementContent, Root } from 'hast'
import type { LanguageFn } from 'highlight.js'
import { createLowlight } from 'lowlight'
import { announceArrival } from './arrivals.ts'
import { textOf } from './hast-text.ts'

type Grammar = () => Promise<{ default: LanguageFn }>

/**
 * The languages code blocks are highlighted in, by highlight.js name. Each grammar is its own small chunk, fetched
 * the first time a reply has a block in that language, so the Markdown chunk carries none of them.
 */
const GRAMMARS: Record<string, Grammar> = {
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  diff: () => import('highlight.js/lib/languages/diff'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  go: () => import('highlight.js/lib/languages/go'),
  graphql: () => import('highlight.js/lib/languages/graphql'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  lua: () => import('highlight.js/lib/languages/lua'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  php: () => import('highlight.js/lib/languages/php'),
  powershell: () => import('highlight.js/lib/languages/powershell'),
  python: () => import('highlight.js/lib/languages/python'),
  r: () => import('highlight.js/lib/languages/r'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  scala: () => import('highlight.js/lib/languages/scala'),
  scss: () => import('highlight.js/lib/languages/scss'),
  shell: () => import('highlight.js/lib/languages/shell'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
}

/** Names fences use for the languages above. */
const ALIASES: Record<string, string> = {
  sh: 'bash',
  zsh: 'bash',
  h: 'c',
  'c++': 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  cs: 'csharp',
  'c#': 'csharp',
  docker: 'dockerfile',
  golang: 'go',
  gql: 'graphql',
  toml: 'ini',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsonc: 'json',
  kt: 'kotlin',
  make: 'makefile',
  mk: 'makefile',
  md: 'markdown',
  ps: 'powershell',
  ps1: 'powershell',
  py: 'python',
  rb: 'ruby',
  rs: 'rust',
  console: 'shell',
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  html: 'xml',
  svg: 'xml',
  yml: 'yaml',
  patch: 'diff',
}

const lowlight = createLowlight()
const requested = new Set<string>()

/** The highlight.js name of a fence's language, if it is one we highlight. */
function grammarOf(language: string): string | undefined {
  const name = language.toLowerCase()
  const canonical = ALIASES[name] ?? name
  return Object.hasOwn(GRAMMARS, canonical) ? canonical : undefined
}

/** Fetches a grammar once, and announces when it has arrived (code in that language can be highlighted then). */
function loadGrammar(name: string): Promise<void> {
  if (requested.has(name)) return Promise.resolve()
  requested.add(name)
  return GRAMMARS[name]!().then(
    (grammar) => {
      lowlight.register(name, grammar.default)
      announceArrival()
    },
    () => void requested.delete(name), // offline for a moment: a later block asks again
  )
}

/** The language a fenced block names (`pre > code.language-x`), as written. */
function languageOf(code: Element): string | undefined {
  const classes = Array.isArray(code.properties.className) ? code.properties.className.map(String) : []
  return classes.find((name) => name.startsWith('language-'))?.slice('language-'.length) || undefined
}

function highlightBlock(pre: Element) {
  const code = pre.children.find((child): child is Element => child.type === 'element' && child.tagName === 'code')
  const language = code && languageOf(code)
  if (!code || !language) return
  pre.properties.dataLanguage = language
  const grammar = grammarOf(language)
  if (!grammar) return
  if (!lowlight.registered(grammar)) return void loadGrammar(grammar)
  // lowlight returns a hast tree of spans with `hljs-*` classes and text: nothing is parsed as HTML.
  code.children = lowlight.highlight(grammar, code.children.map(textOf).join('')).children as ElementContent[]
  const classes = Array.isArray(code.properties.className) ? code.properties.className.map(String) : []
  code.properties.className = [...classes, 'hljs']
}

/**
 * Rehype plugin: marks fenced code blocks with their language (`data-language` on the `pre`, for the label) and
 * syntax-highlights those whose grammar is loaded, asking for the grammar otherwise.
 */
export function rehypeHighlightCode() {
  const visit = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue
      if (child.tagName === 'pre') highlightBlock(child)
      else visit(child)
    }
  }
  return (tree: Root) => visit(tree)
}
