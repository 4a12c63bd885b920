import { ARTIFACTS, expect, test } from './fixtures.ts'

const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '[click me](javascript:alert(2))',
  '<script>alert(3)</script>',
  '<svg onload=alert(4)>',
]

test('script payloads sent as messages show as text and run nothing', async ({ page, account, authPage, chatPage }) => {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  await authPage.register(account)

  const payload = PAYLOADS.join(' ')
  await chatPage.send(payload)
  await expect(chatPage.userMessage(PAYLOADS[0]!)).toContainText(payload)
  await chatPage.waitForReply()
  await page.reload()
  await expect(chatPage.userMessage(PAYLOADS[0]!)).toContainText(payload)
  await expect(chatPage.sidebar.getByRole('link').filter({ hasText: '<img' })).toBeVisible()

  await expect(chatPage.messages.locator('img, script, svg, a[href^="javascript" i]')).toHaveCount(0)
  await page.waitForTimeout(500)
  expect(dialogs).toEqual([])
  await page.screenshot({ path: `${ARTIFACTS}xss-as-text.png` })
})
