import { expect, test } from './fixtures.ts'
import { apiLogin } from './support/api.ts'
import { createConversation } from './support/seed.ts'

test('a conversation’s title has the whole row, and its buttons show over its end when hovered or focused', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  const token = await apiLogin(request, account.username, account.password)
  await createConversation(request, token, { title: 'Weekend hiking ideas' })
  await page.reload()
  const link = chatPage.conversationLink('Weekend hiking ideas')
  await expect(link).toBeVisible()
  // Shown in full: the buttons beside it used to leave the title too little room.
  expect(await link.locator('.conversation-title').evaluate((title) => title.scrollWidth <= title.clientWidth)).toBe(
    true,
  )

  const pin = chatPage.sidebar.getByRole('button', { name: 'Pin “Weekend hiking ideas”' })
  const shown = () => pin.evaluate((button) => getComputedStyle(button.parentElement!).opacity)
  expect(await shown()).toBe('0')
  await link.hover()
  await expect.poll(shown).toBe('1')
  await page.mouse.move(900, 600)
  await expect.poll(shown).toBe('0')
  // From the keyboard: focus on the row shows them, and Tab reaches them.
  await link.focus()
  await expect.poll(shown).toBe('1')
  await page.keyboard.press('Tab')
  await expect(pin).toBeFocused()
  await pin.press('Enter')
  await expect(chatPage.sidebar.getByRole('region', { name: 'Pinned' }).getByRole('link')).toHaveText([
    'Weekend hiking ideas',
  ])
})
