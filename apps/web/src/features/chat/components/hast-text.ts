import type { ElementContent, RootContent } from 'hast'

/** The text inside a rendered node (a code block's or a formula's source), without its markup. */
export function textOf(node: ElementContent | RootContent): string {
  if (node.type === 'text') return node.value
  return 'children' in node ? node.children.map(textOf).join('') : ''
}
