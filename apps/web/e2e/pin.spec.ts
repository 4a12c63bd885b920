import { expect, test } from './fixtures.ts'
import { apiLogin } from './support/api.ts'
import { createConversation } from './support/seed.ts'

test('a pinned conversation is listed on top in its own group, also after a reload, until unpinned', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  const token = await apiLogin(request, account.username, account.password)
  await createConversation(request, token, { title: 'Alpha plan' })
  await createConversation(request, token, { title: 'Beta notes' })
  await page.reload()
  const pinned = chatPage.sidebar.getByRole('region', { name: 'Pinned' })
  await expect(chatPage.conversationLink('Alpha plan')).toBeVisible()
  await expect(pinned).toHaveCount(0)

  await chatPage.sidebar.getByRole('button', { name: 'Pin “Alpha plan”' }).click()
  await expect(pinned.getByRole('link', { name: 'Alpha plan' })).toBeVisible()
  // The pinned group comes first, above the newer conversation.
  await expect(chatPage.sidebar.getByRole('link').filter({ hasText: /Alpha plan|Beta notes/ })).toHaveText([
    'Alpha plan',
    'Beta notes',
  ])

  await page.reload()
  await expect(pinned.getByRole('link', { name: 'Alpha plan' })).toBeVisible()
  await expect(pinned.getByRole('link', { name: 'Beta notes' })).toHaveCount(0)

  await pinned.getByRole('button', { name: 'Unpin “Alpha plan”' }).click()
  await expect(pinned).toHaveCount(0)
  await expect(chatPage.conversationLink('Alpha plan')).toBeVisible()
})
