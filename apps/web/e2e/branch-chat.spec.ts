import { expect, test } from './fixtures.ts'
import { apiLogin } from './support/api.ts'
import { createConversation, seedTurns } from './support/seed.ts'

test('branch a new chat from an earlier reply: it holds the history up to it, and the original stays as it was', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  const token = await apiLogin(request, account.username, account.password)
  // The `fast` fake model answers at once, so the branch's own next turn is quick too (it keeps the model).
  const sourceId = await createConversation(request, token, { title: 'Trip ideas', model: 'fast' })
  await seedTurns(request, token, sourceId, 2)
  await page.goto(`/c/${sourceId}`)
  await expect(page.getByRole('heading', { name: 'Trip ideas', level: 1 })).toBeVisible()
  await expect(chatPage.replies()).toHaveCount(2)

  const branchId = await chatPage.branchInNewChat(chatPage.replies().first())
  expect(branchId).not.toBe(sourceId)
  await expect(page.getByRole('heading', { name: 'Branch · Trip ideas', level: 1 })).toBeVisible()
  // The first turn and its reply, and nothing after them.
  await expect(chatPage.messages.getByRole('article')).toHaveCount(2)
  await expect(chatPage.userMessage('Seeded turn 1')).toBeVisible()
  await expect(chatPage.replies()).toHaveCount(1)
  await expect(chatPage.userMessage('Seeded turn 2')).toHaveCount(0)
  await expect(chatPage.modelPicker).toHaveValue('fast')
  // The branch is the newest conversation; the original is still listed.
  await expect(chatPage.conversationLink('Branch · Trip ideas')).toBeVisible()
  await expect(chatPage.conversationLink(/^Trip ideas$/)).toBeVisible()
  await expect(chatPage.sidebar.getByRole('link', { name: /Trip ideas$/ }).first()).toHaveText('Branch · Trip ideas')

  // The branch goes on by itself.
  await chatPage.send('What about the coast?')
  await expect(chatPage.userMessage('What about the coast?')).toBeVisible()
  await expect(chatPage.replies()).toHaveCount(2)
  await expect(chatPage.replies().last()).toHaveAttribute('data-status', 'complete')
  await expect(chatPage.replies().last()).toContainText('A fast fake reply.')

  // The original still has its two turns, and not the branch's new one.
  await chatPage.conversationLink(/^Trip ideas$/).click()
  await expect(page).toHaveURL(new RegExp(`/c/${sourceId}$`))
  await expect(page.getByRole('heading', { name: 'Trip ideas', level: 1 })).toBeVisible()
  await expect(chatPage.userMessage('Seeded turn 2')).toBeVisible()
  await expect(chatPage.messages.getByRole('article')).toHaveCount(4)
  await expect(chatPage.userMessage('What about the coast?')).toHaveCount(0)
})
