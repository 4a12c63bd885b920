import { expect, test } from './fixtures.ts'

test('a temporary chat opens and reloads like any other, says it is temporary, and is never listed', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  const toggle = page.getByRole('checkbox', { name: 'Temporary chat' })
  const note = page.getByRole('complementary', { name: 'Temporary chat' })
  // A fresh account: the sidebar says it has nothing as long as only the temporary chat exists.
  const nothingListed = chatPage.sidebar.getByText('No conversations yet.')
  await authPage.register(account)

  await expect(toggle).not.toBeChecked()
  await toggle.check()
  const question = `Just between us, wombat-${account.username}?`
  await chatPage.send(question)
  await expect(page).toHaveURL(/\/c\/[^/]+$/)
  const url = page.url()
  await expect(chatPage.userMessage(question)).toBeVisible()
  await chatPage.waitForReply()
  await expect(note).toContainText('not in your history, and deleted 24 hours after its last message')
  await expect(nothingListed).toBeVisible()
  await chatPage.search(`wombat-${account.username}`)
  await expect(chatPage.sidebar.getByText('Nothing matches.')).toBeVisible()
  await chatPage.search('')

  await page.reload()
  expect(page.url()).toBe(url)
  await expect(chatPage.userMessage(question)).toBeVisible()
  await expect(chatPage.replies().last()).toContainText('Parley is running')
  await expect(note).toBeVisible()
  await expect(nothingListed).toBeVisible()

  // The next new chat is a kept one again: the choice is not remembered.
  await chatPage.newChat()
  await expect(toggle).not.toBeChecked()
  const kept = `Remember this, numbat-${account.username}`
  await chatPage.send(kept)
  await expect(page).toHaveURL(/\/c\/[^/]+$/)
  expect(page.url()).not.toBe(url)
  await chatPage.waitForReply()
  await expect(chatPage.conversationLink(kept)).toBeVisible()
  await expect(chatPage.conversationLink(question)).toHaveCount(0)
  await expect(note).toHaveCount(0)

  // It need not wait for its time: the note deletes it now, after asking.
  await page.goto(url)
  await note.getByRole('button', { name: 'Delete now' }).click()
  await note.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'New chat' })).toBeVisible()
  await page.goto(url)
  await expect(page.getByText('This conversation does not exist or was deleted.')).toBeVisible()
  await expect(chatPage.conversationLink(kept)).toBeVisible()
})
