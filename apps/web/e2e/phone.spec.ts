import { ARTIFACTS, expect, test } from './fixtures.ts'

test('on a phone the sidebar is a drawer, and chatting works', async ({ page, account, authPage, chatPage }) => {
  await authPage.register(account)
  await expect(chatPage.sidebar).toBeHidden()

  // On a touch screen Enter adds a line (no Shift key at hand); the button sends.
  await chatPage.composer.fill('Hello from a phone')
  await chatPage.composer.press('Enter')
  await expect(chatPage.composer).toHaveValue('Hello from a phone\n')
  await page.getByRole('button', { name: 'Send' }).tap()
  await chatPage.waitForReply()
  await page.screenshot({ path: `${ARTIFACTS}phone-conversation.png` })

  await page.getByRole('button', { name: 'Open conversations' }).click()
  await expect(chatPage.sidebar).toBeVisible()
  await expect(chatPage.conversationLink('Hello from a phone')).toBeVisible()
  // A touch screen cannot hover: the conversation's buttons stay in view beside its title.
  const pin = chatPage.sidebar.getByRole('button', { name: 'Pin “Hello from a phone”' })
  expect(await pin.evaluate((button) => getComputedStyle(button.parentElement!).opacity)).not.toBe('0')
  await page.screenshot({ path: `${ARTIFACTS}phone-drawer.png` })
  await page.keyboard.press('Escape')
  await expect(chatPage.sidebar).toBeHidden()

  await page.getByRole('button', { name: 'Open conversations' }).click()
  await chatPage.newChat()
  await expect(chatPage.sidebar).toBeHidden()
})
