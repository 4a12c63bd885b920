import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { Markdown } from './markdown.tsx'

/** Renders Markdown with formulas and waits until KaTeX (fetched with the first formula) has typeset them all. */
async function renderTypeset(text: string) {
  const result = render(<Markdown text={text} />)
  await waitFor(() => expect(result.container.querySelector('.math-pending')).toBeNull())
  return result
}

describe('Markdown', () => {
  it('shows raw HTML as inert text', () => {
    const { container } = render(<Markdown text={'Look: <img src=x onerror=alert(1)> <script>alert(2)</script>'} />)
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('script')).toBeNull()
    expect(container.querySelector('[onerror]')).toBeNull()
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>')
  })

  it('neutralises javascript: links', () => {
    const { container } = render(
      <Markdown text={'[x](javascript:alert(1)) and [y](JaVaScRiPt:alert(1)) and <javascript:alert(1)>'} />,
    )
    for (const anchor of container.querySelectorAll('a'))
      expect(anchor.getAttribute('href') ?? '').not.toMatch(/javascript/i)
    expect(screen.getByText('x').tagName).toBe('SPAN')
  })

  it('opens ordinary links safely in a new tab', () => {
    render(<Markdown text={'[docs](https://example.com/a)'} />)
    const link = screen.getByRole('link', { name: 'docs' })
    expect(link.getAttribute('href')).toBe('https://example.com/a')
    expect(link.getAttribute('rel')).toBe('noopener noreferrer')
    expect(link.getAttribute('target')).toBe('_blank')
  })

  it('does not load images from model output', () => {
    const { container } = render(<Markdown text={'![tracker](https://evil.example/pixel.png)'} />)
    expect(container.querySelector('img')).toBeNull()
    expect(container.textContent).toContain('[image: tracker]')
  })

  it('renders GFM tables and code blocks with a copy button', async () => {
    const writeText = vi.fn(async () => undefined)
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    render(<Markdown text={'| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nconst x = 1\n```'} />)
    expect(screen.getByRole('table')).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Copy code' }))
    expect(writeText).toHaveBeenCalledWith('const x = 1\n')
  })

  it('highlights code once its grammar has loaded, leaves unknown languages plain, and never parses code as HTML', async () => {
    const { container } = render(
      <Markdown
        text={'```ts\nconst x: number = 1 // <img src=x onerror=alert(1)>\n```\n\n```cobol\nDISPLAY "HI".\n```'}
      />,
    )
    // The TypeScript grammar is fetched on first use; the block is highlighted when it arrives.
    await waitFor(() => expect(container.querySelector('pre code.hljs')).not.toBeNull())
    const [ts, cobol] = container.querySelectorAll('pre code')
    expect(ts?.querySelector('.hljs-keyword')?.textContent).toBe('const')
    expect(ts?.textContent).toBe('const x: number = 1 // <img src=x onerror=alert(1)>\n')
    expect(container.querySelector('img')).toBeNull()
    expect(cobol?.classList.contains('hljs')).toBe(false)
    expect(cobol?.textContent).toBe('DISPLAY "HI".\n')
  })

  it('labels code blocks with their language above the code', () => {
    const { container } = render(<Markdown text={'```python\nprint(1)\n```\n\n```\nplain\n```'} />)
    const labels = [...container.querySelectorAll('.code-block .code-language')].map((label) => label.textContent)
    expect(labels).toEqual(['python', 'code'])
    // The bar with the label and the copy button comes before the code, not over it.
    const block = container.querySelector('.code-block')!
    expect(block.firstElementChild?.classList.contains('code-block-bar')).toBe(true)
    expect(block.querySelector('.code-block-bar button')?.getAttribute('aria-label')).toBe('Copy code')
  })

  it('typesets inline and display math with KaTeX, as elements (MathML for screen readers), never as HTML text', async () => {
    const { container } = await renderTypeset(
      'Euler: $e^{i\\pi} + 1 = 0$ and\n\n$$\n\\int_0^1 x^2\\,dx = \\frac{1}{3}\n$$\n\nPrice: 5 dollars.',
    )
    const formulas = container.querySelectorAll('.katex')
    expect(formulas).toHaveLength(2)
    expect(container.querySelector('p .katex')).not.toBeNull()
    expect(container.querySelector('.math-display .katex-display .katex')).not.toBeNull()
    expect(container.querySelector('.katex math annotation')?.textContent).toBe('e^{i\\pi} + 1 = 0')
    // Display math is a formula, not a code block.
    expect(container.querySelector('.code-block')).toBeNull()
  })

  it('leaves prices as text: two single dollars make math only when they read as a formula', async () => {
    const { container } = await renderTypeset(
      'Shoes cost $5 and boots $10. Between $20,000 and $30,000. Both: $5/$10.\n\nArea $a^2$, sum $$n+1$$.',
    )
    const [prices, formulas] = container.querySelectorAll('p')
    expect(prices!.querySelector('.katex')).toBeNull()
    expect(prices!.textContent).toBe('Shoes cost $5 and boots $10. Between $20,000 and $30,000. Both: $5/$10.')
    const tex = [...formulas!.querySelectorAll('.katex math annotation')].map((node) => node.textContent)
    expect(tex).toEqual(['a^2', 'n+1'])
  })

  it("typesets LaTeX's own delimiters, \\(…\\) inline and \\[…\\] on lines of their own as display, but not in code", async () => {
    const { container } = await renderTypeset(
      [
        'Pythagoras: \\(a^2 + b^2 = c^2\\), and the area:',
        '',
        '\\[',
        '\\int_0^1 x\\,dx',
        '\\]',
        '',
        '- Energy:',
        '  \\[ E = mc^2 \\]',
        '',
        'As code: `\\(x\\)`',
        '',
        '```latex',
        '\\[y\\]',
        '```',
      ].join('\n'),
    )
    const tex = (selector: string) =>
      [...container.querySelectorAll(`${selector} math annotation`)].map((node) => node.textContent)
    expect(tex('p .katex')).toEqual(['a^2 + b^2 = c^2'])
    expect(tex('.math-display')).toEqual(['\\int_0^1 x\\,dx', 'E = mc^2'])
    expect(container.querySelector('li .math-display')).not.toBeNull()
    expect(container.querySelector('p code')?.textContent).toBe('\\(x\\)')
    expect(container.querySelector('.code-block code')?.textContent).toBe('\\[y\\]\n')
  })

  it('keeps dangerous TeX commands and HTML inside math inert', async () => {
    const { container } = await renderTypeset(
      '$\\href{javascript:alert(1)}{x}$ $\\htmlClass{evil}{y}$ $\\text{<img src=x onerror=alert(1)>}$',
    )
    expect(container.querySelector('a')).toBeNull()
    expect(container.querySelector('img')).toBeNull()
    expect(container.querySelector('.evil')).toBeNull()
    expect(container.querySelector('[onerror]')).toBeNull()
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>')
  })

  it('shows task lists with their boxes as the only markers, and wraps tables to scroll', () => {
    const { container } = render(
      <Markdown text={'- [x] done\n- [ ] to do\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted'} />,
    )
    expect(screen.getByRole('checkbox', { name: 'Done' })).toHaveProperty('checked', true)
    expect(screen.getByRole('checkbox', { name: 'To do' })).toHaveProperty('checked', false)
    expect(container.querySelector('li.task-list-item')).not.toBeNull()
    expect(container.querySelector('.md-table > table')).not.toBeNull()
    expect(container.querySelector('.md-table')?.getAttribute('tabindex')).toBe('0')
    expect(container.querySelector('blockquote')?.textContent?.trim()).toBe('quoted')
  })
})
