import { ARTIFACTS, expect, test } from './fixtures.ts'
import { RICH_REPLY, echoReply } from './support/rich-reply.ts'

test('replies render math with KaTeX, labelled and highlighted code, quotes, task lists and tables', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  await authPage.register(account)
  const reply = await echoReply(page, chatPage, RICH_REPLY)

  // Math: inline in its paragraph (`$…$` and `\(…\)`), display math as its own block; all typeset by KaTeX, which
  // arrives with the first formula. Prices are not math.
  await expect(reply.locator('p .katex')).toHaveCount(2)
  await expect(reply.locator('p').first()).toContainText('Prices stay prices: $5 and $10.')
  await expect(reply.locator('.math-display .katex-display .katex')).toHaveCount(1)
  await expect(reply.locator('.katex annotation').first()).toHaveText('e^{i\\pi} + 1 = 0')
  // KaTeX's stylesheet and fonts load from the server under its strict CSP (no inline scripts, fonts from 'self').
  await expect
    .poll(() =>
      page.evaluate(async () => {
        await document.fonts.ready
        return document.fonts.check('16px KaTeX_Main')
      }),
    )
    .toBe(true)
  expect(
    await reply
      .locator('.katex')
      .first()
      .evaluate((element) => getComputedStyle(element).fontFamily),
  ).toContain('KaTeX_Main')

  // Code: a bar above the block names the language and holds the copy button; tokens are highlighted.
  const block = reply.locator('.code-block')
  await expect(block.locator('.code-language')).toHaveText('python')
  await expect(block.locator('code.hljs .hljs-keyword').first()).toHaveText('def')
  await expect(block.locator('code.hljs .hljs-string').first()).toBeVisible()
  await expect(block.locator('code.hljs .hljs-comment')).toHaveText('# say hello')
  const copy = (await block.getByRole('button', { name: 'Copy code' }).boundingBox())!
  const code = (await block.locator('pre').boundingBox())!
  expect(copy.y + copy.height).toBeLessThanOrEqual(code.y)

  // A quote is set apart; a task list's boxes are its only markers.
  expect(await reply.locator('blockquote').evaluate((quote) => getComputedStyle(quote).borderLeftWidth)).toBe('4px')
  await expect(reply.getByRole('checkbox', { name: 'Done' })).toBeChecked()
  await expect(reply.getByRole('checkbox', { name: 'To do' })).not.toBeChecked()
  expect(
    await reply
      .locator('li.task-list-item')
      .first()
      .evaluate((item) => getComputedStyle(item).listStyleType),
  ).toBe('none')
  await page.screenshot({ path: `${ARTIFACTS}markdown-rich.png` })
  expect(problems.filter((text) => /content security policy|refused/i.test(text))).toEqual([])
})

test('on a 390 px phone a wide table scrolls sideways instead of breaking its words', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await authPage.register(account)
  const reply = await echoReply(page, chatPage, RICH_REPLY)
  const wrapper = reply.locator('.md-table')
  await expect(wrapper).toBeVisible()
  const sizes = await wrapper.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }))
  expect(sizes.scroll).toBeGreaterThan(sizes.client)
  // The message itself keeps to the screen: only the table scrolls.
  const message = await reply.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }))
  expect(message.scroll).toBeLessThanOrEqual(message.client + 1)
  // Every cell's word stays on one line.
  const brokenCells = await wrapper.locator('th, td').evaluateAll((cells) =>
    cells
      .filter((cell) => {
        const range = document.createRange()
        range.selectNodeContents(cell)
        const lines = new Set(Array.from(range.getClientRects(), (rect) => Math.round(rect.top)))
        return lines.size > 1
      })
      .map((cell) => cell.textContent),
  )
  expect(brokenCells).toEqual([])
  await wrapper.evaluate((element) => element.scrollBy({ left: 200 }))
  expect(await wrapper.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0)
  await page.screenshot({ path: `${ARTIFACTS}markdown-table-phone.png` })
})
