import { describe, expect, it } from 'vitest'
import { renderMarkdown } from './markdown.ts'

function html(markdown: string): string {
  const box = document.createElement('div')
  box.append(renderMarkdown(markdown))
  return box.innerHTML
}

describe('widget markdown', () => {
  it('shows HTML in model output as text, never as elements', () => {
    const box = document.createElement('div')
    box.append(renderMarkdown('Hi <img src=x onerror=alert(1)> and <script>alert(2)</script>'))
    expect(box.querySelector('img, script')).toBeNull()
    expect(box.textContent).toBe('Hi <img src=x onerror=alert(1)> and <script>alert(2)</script>')
  })

  it('never loads images, showing their alt text instead', () => {
    expect(html('Look: ![a cat](https://tracker.example/cat.png)')).toBe('<p>Look: a cat</p>')
  })

  it('opens only http(s) and mailto links, with noopener', () => {
    const box = document.createElement('div')
    box.append(renderMarkdown('[docs](https://example.com/a) [bad](javascript:alert(1)) see https://x.example/b.'))
    const links = [...box.querySelectorAll('a')]
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a', 'https://x.example/b'])
    expect(links.every((a) => a.rel.includes('noopener') && a.target === '_blank')).toBe(true)
    expect(box.textContent).toContain('bad')
  })

  it('renders emphasis, code, lists, quotes and code blocks', () => {
    expect(html('**bold** and *it* and `a<b`')).toBe(
      '<p><strong>bold</strong> and <em>it</em> and <code>a&lt;b</code></p>',
    )
    expect(html('- one\n- two\n\n1. first')).toBe('<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol>')
    expect(html('```\n<b>x</b>\n```')).toBe('<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>')
    expect(html('# Title\nline one\nline two')).toBe('<p><strong>Title</strong></p><p>line one<br>line two</p>')
    expect(html('> quoted')).toBe('<blockquote><p>quoted</p></blockquote>')
  })
})
