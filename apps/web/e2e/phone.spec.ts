import { ARTIFACTS, expect, test } from './fixtures.ts'

test('on a phone the sidebar is a drawer, and chatting works', async ({ page, account, authPage, chatPage }) => {
  await authPage.register(account)
  await expect(chatPage.sidebar).toBeHidden()

  await chatPage.send('Hello from a phone')
  await chatPage.waitForReply()
  await page.screenshot({ path: `${ARTIFACTS}phone-conversation.png` })

  await page.getByRole('button', { name: 'Open conversations' }).click()
  await expect(chatPage.sidebar).toBeVisible()
  await expect(chatPage.conversationLink('Hello from a phone')).toBeVisible()
  await page.screenshot({ path: `${ARTIFACTS}phone-drawer.png` })
  await page.keyboard.press('Escape')
  await expect(chatPage.sidebar).toBeHidden()

  await page.getByRole('button', { name: 'Open conversations' }).click()
  await chatPage.newChat()
  await expect(chatPage.sidebar).toBeHidden()
})
