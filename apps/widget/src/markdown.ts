/**
 * A small Markdown subset rendered straight to DOM nodes with `textContent`, so model output can never
 * become HTML: no raw HTML, no images (their alt text is shown), and links only to http(s) or mailto, opened
 * with `noopener`. Paragraphs, line breaks, headings (as bold lines), lists, quotes, code and emphasis.
 */
export function renderMarkdown(text: string, doc: Document = document): DocumentFragment {
  const fragment = doc.createDocumentFragment()
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  let index = 0
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K) => doc.createElement(tag)

  while (index < lines.length) {
    const line = lines[index]!
    const fence = /^\s*(```|~~~)/.exec(line)
    if (fence) {
      const code: string[] = []
      index += 1
      while (index < lines.length && !lines[index]!.trim().startsWith(fence[1]!)) code.push(lines[index++]!)
      index += 1
      const pre = el('pre')
      const block = el('code')
      block.textContent = code.join('\n')
      pre.append(block)
      fragment.append(pre)
      continue
    }
    if (line.trim() === '') {
      index += 1
      continue
    }
    const listItem = /^\s*([-*+]|\d{1,9}[.)])\s+(.*)$/
    if (listItem.test(line)) {
      const ordered = /^\s*\d/.test(line)
      const list = el(ordered ? 'ol' : 'ul')
      while (index < lines.length) {
        const match = listItem.exec(lines[index]!)
        if (!match || /^\s*\d/.test(lines[index]!) !== ordered) break
        const item = el('li')
        appendInline(item, match[2]!, doc)
        list.append(item)
        index += 1
      }
      fragment.append(list)
      continue
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading) {
      const p = el('p')
      const strong = el('strong')
      appendInline(strong, heading[1]!, doc)
      p.append(strong)
      fragment.append(p)
      index += 1
      continue
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = []
      while (index < lines.length && /^\s*>/.test(lines[index]!)) quoted.push(lines[index++]!.replace(/^\s*>\s?/, ''))
      const quote = el('blockquote')
      quote.append(renderMarkdown(quoted.join('\n'), doc))
      fragment.append(quote)
      continue
    }
    const paragraph: string[] = []
    while (index < lines.length && lines[index]!.trim() !== '' && !startsBlock(lines[index]!))
      paragraph.push(lines[index++]!)
    if (paragraph.length === 0) paragraph.push(lines[index++]!)
    const p = el('p')
    paragraph.forEach((part, position) => {
      if (position > 0) p.append(el('br'))
      appendInline(p, part, doc)
    })
    fragment.append(p)
  }
  return fragment
}

function startsBlock(line: string): boolean {
  return /^\s*(```|~~~|>|[-*+]\s|\d{1,9}[.)]\s|#{1,6}\s)/.test(line)
}

const INLINE =
  /(`+)([\s\S]*?)\1|!\[([^\]]*)\]\([^)]*\)|\[([^\]]+)\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)|\*\*(.+?)\*\*|__(.+?)__|\*(\S(?:.*?\S)?)\*|\b_(\S(?:.*?\S)?)_\b|(https?:\/\/[^\s<>]*[^\s<>.,:;"')\]!?])/g

/** `inLink`: inside a link's text, where neither links nor bare URLs may start another link. */
function appendInline(parent: HTMLElement, text: string, doc: Document, inLink = false): void {
  let last = 0
  for (const match of text.matchAll(INLINE)) {
    const at = match.index
    if (at > last) parent.append(text.slice(last, at))
    last = at + match[0].length
    const [, ticks, code, alt, label, href, strong1, strong2, em1, em2, bare] = match
    if (ticks) {
      const node = doc.createElement('code')
      node.textContent = code!.trim()
      parent.append(node)
    } else if (alt !== undefined) {
      // Images from model output are never fetched: a page could be made to load any URL.
      parent.append(alt)
    } else if (label !== undefined) {
      parent.append((!inLink && link(label, href!, doc)) || label)
    } else if (strong1 ?? strong2) {
      const node = doc.createElement('strong')
      appendInline(node, (strong1 ?? strong2)!, doc, inLink)
      parent.append(node)
    } else if (em1 ?? em2) {
      const node = doc.createElement('em')
      appendInline(node, (em1 ?? em2)!, doc, inLink)
      parent.append(node)
    } else if (bare) {
      parent.append((!inLink && link(bare, bare, doc)) || bare)
    }
  }
  if (last < text.length) parent.append(text.slice(last))
}

function link(label: string, href: string, doc: Document): HTMLAnchorElement | undefined {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return undefined
  }
  if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) return undefined
  const anchor = doc.createElement('a')
  anchor.href = url.toString()
  anchor.target = '_blank'
  anchor.rel = 'noopener noreferrer nofollow'
  appendInline(anchor, label, doc, true)
  return anchor
}
