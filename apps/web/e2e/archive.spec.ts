import { expect, test } from './fixtures.ts'
import { apiLogin } from './support/api.ts'
import { createConversation } from './support/seed.ts'

test('an archived conversation leaves the sidebar, waits in Archived chats, and comes back when unarchived', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
  archivedChatsPage,
}) => {
  await authPage.register(account)
  const token = await apiLogin(request, account.username, account.password)
  const archivedId = await createConversation(request, token, { title: 'Gamma ideas' })
  await createConversation(request, token, { title: 'Delta list' })
  await page.reload()

  await chatPage.conversationLink('Gamma ideas').click()
  await expect(page.getByRole('heading', { name: 'Gamma ideas', level: 1 })).toBeVisible()
  await chatPage.archiveConversation('Gamma ideas')
  // The open conversation stays open, saying it is archived.
  await expect(page).toHaveURL(new RegExp(`/c/${archivedId}$`))
  await expect(page.getByRole('complementary', { name: 'Archived' })).toContainText('This chat is archived')
  await expect(chatPage.conversationLink('Delta list')).toBeVisible()

  await archivedChatsPage.open()
  await expect(archivedChatsPage.conversationLink('Gamma ideas')).toBeVisible()
  await expect(archivedChatsPage.conversationLink('Delta list')).toHaveCount(0)
  await page.reload()
  await expect(archivedChatsPage.conversationLink('Gamma ideas')).toBeVisible()
  await expect(chatPage.conversationLink('Gamma ideas')).toHaveCount(0)

  await archivedChatsPage.unarchive('Gamma ideas')
  await expect(page.getByText('No archived chats.')).toBeVisible()
  await expect(chatPage.conversationLink('Gamma ideas')).toBeVisible()

  await chatPage.conversationLink('Gamma ideas').click()
  await expect(page.getByRole('heading', { name: 'Gamma ideas', level: 1 })).toBeVisible()
  await expect(page.getByRole('complementary', { name: 'Archived' })).toHaveCount(0)
})
