import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { Markdown } from './markdown.tsx'

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

  it('highlights code in registered languages, leaves others plain, and never parses code as HTML', () => {
    const { container } = render(
      <Markdown
        text={'```ts\nconst x: number = 1 // <img src=x onerror=alert(1)>\n```\n\n```cobol\nDISPLAY "HI".\n```'}
      />,
    )
    const [ts, cobol] = container.querySelectorAll('pre code')
    expect(ts?.classList.contains('hljs')).toBe(true)
    expect(ts?.querySelector('.hljs-keyword')?.textContent).toBe('const')
    expect(ts?.textContent).toBe('const x: number = 1 // <img src=x onerror=alert(1)>\n')
    expect(container.querySelector('img')).toBeNull()
    expect(cobol?.classList.contains('hljs')).toBe(false)
    expect(cobol?.textContent).toBe('DISPLAY "HI".\n')
  })
})
