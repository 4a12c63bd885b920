import type { APIRequestContext } from '@playwright/test'
import { ARTIFACTS, expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'
import { createConversation, sendTurns } from './support/seed.ts'

/** Creates a titled conversation whose one message is `content`. */
async function conversationSaying(request: APIRequestContext, token: string, title: string, content: string) {
  const id = await createConversation(request, token, { title })
  await sendTurns(request, token, id, [content])
  return id
}

test('a search result found by its messages shows the matching excerpt with the searched words marked', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
  archivedChatsPage,
}) => {
  await authPage.register(account)
  const token = await apiLogin(request, account.username, account.password)
  const holiday = await conversationSaying(
    request,
    token,
    'Holiday plans',
    'We sailed for hours along the frozen coast, and at dawn we watched the Penguins huddle together on the ice.',
  )
  await conversationSaying(request, token, 'Shopping list', 'Eggs, flour and butter for the weekend.')
  await conversationSaying(request, token, 'Penguin trivia', 'Which birds cannot fly?')
  await page.reload()
  await expect(chatPage.conversationLink('Shopping list')).toBeVisible()

  await chatPage.search('pengu')
  // Found by a message: its excerpt is under the title and part of the link, the word that matched marked, and only
  // a few words before it kept (the sidebar is narrow).
  const found = chatPage.conversationLink(/^Holiday plans …at dawn we watched the Penguins huddle/)
  await expect(found).toBeVisible()
  await expect(found.locator('mark')).toHaveText(['Penguins'])
  // Found by its title only: no excerpt, nothing marked.
  await expect(chatPage.conversationLink('Penguin trivia')).toHaveText('Penguin trivia')
  await expect(chatPage.conversationLink('Penguin trivia').locator('mark')).toHaveCount(0)
  await expect(chatPage.conversationLink('Shopping list')).toHaveCount(0)
  await page.screenshot({ path: `${ARTIFACTS}search-excerpt.png` })
  // The whole result opens the conversation, its excerpt too.
  await found.locator('mark').click()
  await expect(page).toHaveURL(new RegExp(`/c/${holiday}`))
  await expect(page.getByRole('heading', { name: 'Holiday plans', level: 1 })).toBeVisible()

  // Archived chats has its own search, showing the same.
  await request.patch(`/api/conversations/${holiday}`, { headers: bearer(token), data: { archived: true } })
  await archivedChatsPage.open()
  await page.getByRole('searchbox', { name: 'Search archived chats' }).fill('huddle ICE')
  const archived = archivedChatsPage.list.getByRole('link', { name: 'Holiday plans', exact: true })
  await expect(archived).toHaveAccessibleDescription(/watched the Penguins huddle together on the ice\./)
  await expect(archivedChatsPage.list.locator('mark')).toHaveText(['huddle', 'ice'])
})
