import { expect, test } from './fixtures.ts'
import { ChatPage } from './pages/chat-page.ts'
import { apiLogin } from './support/api.ts'
import { createConversation } from './support/seed.ts'

test("a conversation list changed in one tab or on another device changes in the owner's other tabs", async ({
  page,
  request,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  const otherTab = await page.context().newPage()
  await otherTab.goto('/')
  const other = new ChatPage(otherTab)
  await expect(otherTab.getByRole('heading', { name: 'New chat' })).toBeVisible()

  // Made elsewhere (over the API, as another device would), shown in both tabs without a reload.
  const token = await apiLogin(request, account.username, account.password)
  await createConversation(request, token, { title: 'Gamma ideas' })
  await createConversation(request, token, { title: 'Delta list' })
  for (const tab of [chatPage, other]) {
    await expect(tab.conversationLink('Gamma ideas')).toBeVisible()
    await expect(tab.conversationLink('Delta list')).toBeVisible()
  }

  await chatPage.archiveConversation('Gamma ideas')
  await expect(other.conversationLink('Gamma ideas')).toHaveCount(0)

  await other.deleteConversation('Delta list')
  await expect(chatPage.conversationLink('Delta list')).toHaveCount(0)
  await otherTab.close()
})
