import type { ModelUsage } from '@parley/protocol'
import { ADMIN, ARTIFACTS, expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'
import { expectNoSeriousViolations } from './support/axe.ts'
import { RICH_REPLY, echoReply } from './support/rich-reply.ts'

test('copy puts a message and a reply on the clipboard as Markdown', async ({
  page,
  context,
  account,
  authPage,
  chatPage,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await authPage.register(account)
  const text = '**Bold** words, `code` and a list:\n\n- one\n- two'
  const reply = await echoReply(page, chatPage, text)
  await expect(reply.locator('strong')).toHaveText('Bold')

  const copyReply = reply.getByRole('button', { name: 'Copy reply as Markdown' })
  await copyReply.click()
  await expect(copyReply).toHaveText('Copied')
  await expect(reply.getByRole('status').filter({ hasText: 'Copied' })).toHaveCount(1)
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text)
  await expect(copyReply).not.toHaveText('Copied')

  const copyMessage = chatPage.userMessage('Bold').getByRole('button', { name: 'Copy message' })
  await page.evaluate(() => navigator.clipboard.writeText(''))
  await copyMessage.click()
  await expect(copyMessage).toHaveText('Copied')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text)
})

test('thumbs up / down on a reply survives a reload and shows in the operators’ models table', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.pickModel('fast')
  await chatPage.send('Rate this fast reply')
  const reply = chatPage.replies().last()
  await expect(reply).toHaveAttribute('data-status', 'complete')
  const up = reply.getByRole('button', { name: 'Good reply' })
  const down = reply.getByRole('button', { name: 'Bad reply' })
  await expect(up).toHaveAttribute('aria-pressed', 'false')

  const saved = page.waitForResponse((response) => response.url().endsWith('/feedback') && response.ok())
  await down.click()
  await saved
  await expect(down).toHaveAttribute('aria-pressed', 'true')
  const changed = page.waitForResponse((response) => response.url().endsWith('/feedback') && response.ok())
  await up.click()
  await changed
  await expect(up).toHaveAttribute('aria-pressed', 'true')
  await expect(down).toHaveAttribute('aria-pressed', 'false')

  await page.reload()
  await expect(chatPage.replies().last().getByRole('button', { name: 'Good reply' })).toHaveAttribute(
    'aria-pressed',
    'true',
  )
  await expect(chatPage.replies().last().getByRole('button', { name: 'Bad reply' })).toHaveAttribute(
    'aria-pressed',
    'false',
  )

  // Operators see the share rated up per model: the table shows what the API reports.
  const adminToken = await apiLogin(request, ADMIN.username, ADMIN.password)
  const report = (await (await request.get('/api/analytics/models', { headers: bearer(adminToken) })).json()) as {
    models: ModelUsage[]
  }
  const fast = report.models.find((model) => model.model === 'fast')!
  expect(fast.feedback_up).toBeGreaterThanOrEqual(1)
  const rated = fast.feedback_up + fast.feedback_down
  const percent = fast.feedback_rate! * 100
  const shown = `${percent < 10 ? percent.toFixed(2) : percent.toFixed(1)}% of ${rated}`

  await chatPage.newChat()
  await authPage.signOut()
  await authPage.signIn(ADMIN)
  await page.getByRole('link', { name: 'Dashboard' }).click()
  const table = page.getByRole('table', { name: 'Usage by model' })
  await expect(table.getByRole('columnheader', { name: 'Rated up' })).toBeVisible()
  const header = await table.getByRole('columnheader').allTextContents()
  const column = header.indexOf('Rated up')
  expect(column).toBeGreaterThan(0)
  const row = table.getByRole('row').filter({ hasText: 'fast (openai-compatible)' })
  await expect(row.getByRole('cell').nth(column)).toHaveText(shown)
  await row.scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${ARTIFACTS}dashboard-feedback.png` })
})

test('the chat screen with its message actions and settings has no serious accessibility violations', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  const reply = await echoReply(page, chatPage, RICH_REPLY)
  await reply.getByRole('button', { name: 'Good reply' }).click()
  await expect(reply.getByRole('button', { name: 'Good reply' })).toHaveAttribute('aria-pressed', 'true')
  await expect(reply.locator('code.hljs .hljs-keyword').first()).toBeVisible()
  await expectNoSeriousViolations(page, 'chat with a rich reply')

  await page.getByRole('button', { name: /^Chat settings/ }).click()
  await expect(page.getByRole('dialog', { name: 'Chat settings' })).toBeVisible()
  await expectNoSeriousViolations(page, 'conversation settings', '.dialog')
})
