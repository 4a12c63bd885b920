import { expect, test } from './fixtures.ts'
import { apiLogin } from './support/api.ts'
import { createConversation, seedTurns } from './support/seed.ts'

test('keyboard: a skip link, and shortcuts for new chat, search and the message box listed in a help dialog', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)

  // The skip link is the first stop of the Tab order (on a screen that focuses nothing by itself) and leads past
  // the sidebar to the page.
  await page.goto('/settings')
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('main')).toBeFocused()

  // The help lists the shortcuts; focus stays in it and comes back when it closes.
  await page.keyboard.press('Control+/')
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(help).toBeVisible()
  await expect(help.getByRole('row', { name: /New chat/ })).toContainText('Ctrl + Shift + O')
  await expect(help.getByRole('row', { name: /Search conversations/ })).toContainText('Ctrl + K')
  await expect(help.getByRole('row', { name: /Focus the message box/ })).toContainText('Shift + Esc')
  for (let i = 0; i < 4; i += 1) {
    await page.keyboard.press('Tab')
    expect(await help.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true)
  }
  await page.keyboard.press('Escape')
  await expect(help).toBeHidden()
  await expect(page.getByRole('main')).toBeFocused()

  // `?` opens the help outside text fields; in the message box it is just a character.
  await page.keyboard.press('?')
  await expect(help).toBeVisible()
  await help.getByRole('button', { name: 'Close' }).click()
  await expect(help).toBeHidden()

  await page.keyboard.press('Control+Shift+O')
  await expect(page.getByRole('heading', { name: 'New chat' })).toBeVisible()
  await page.keyboard.press('Control+k')
  await expect(chatPage.sidebar.getByRole('searchbox', { name: 'Search conversations' })).toBeFocused()
  await page.keyboard.press('Shift+Escape')
  await expect(chatPage.composer).toBeFocused()
  await page.keyboard.press('?')
  await expect(chatPage.composer).toHaveValue('?')
  await expect(help).toBeHidden()

  await chatPage.composer.fill('Keyboard only')
  await page.keyboard.press('Enter')
  await chatPage.waitForReply()
  await page.keyboard.press('Control+Shift+O')
  await expect(page.getByRole('heading', { name: 'New chat' })).toBeVisible()
  await expect(chatPage.composer).toBeFocused()
})

test('the message list takes focus and scrolls with the keyboard', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  const token = await apiLogin(request, account.username, account.password)
  const id = await createConversation(request, token, { title: 'Long enough to scroll' })
  await seedTurns(request, token, id, 8)
  await page.goto(`/c/${id}`)
  await expect(chatPage.userMessage('Seeded turn 8')).toBeVisible()

  const scrollTop = () => chatPage.messages.evaluate((log) => log.scrollTop)
  await expect.poll(scrollTop).toBeGreaterThan(0)
  await chatPage.messages.focus()
  await expect(chatPage.messages).toBeFocused()
  await page.keyboard.press('Home')
  await expect.poll(scrollTop).toBe(0)
  await expect(chatPage.userMessage('Seeded turn 1')).toBeInViewport()
  await page.keyboard.press('End')
  await expect.poll(scrollTop).toBeGreaterThan(0)
})
