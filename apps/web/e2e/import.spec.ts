import { expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'
import { chatGptConversation, hiddenOnlyConversation } from './support/chatgpt-export.ts'
import { createConversation, seedTurns } from './support/seed.ts'

test('a ChatGPT export imports each conversation’s current branch and names the ones left out', async ({
  page,
  account,
  authPage,
  chatPage,
  settingsPage,
}) => {
  // "Hello" was answered twice (the answer regenerated); the conversation went on from the second answer.
  const branched = chatGptConversation('Imported trip plan', 'n3', [
    { id: 'n1', parent: 'root', role: 'user', text: 'Hello' },
    { id: 'n2', parent: 'n1', role: 'assistant', text: 'Old answer', metadata: { model_slug: 'gpt-4o' } },
    { id: 'n2b', parent: 'n1', role: 'assistant', text: 'New answer', metadata: { model_slug: 'gpt-4o' } },
    { id: 'n3', parent: 'n2b', role: 'user', text: 'Thanks' },
  ])

  await authPage.register(account)
  await settingsPage.open()
  await settingsPage.importConversations('conversations.json', [branched, hiddenOnlyConversation('Hidden setup only')])

  await expect(settingsPage.importStatus).toContainText('Imported 1 conversation.')
  await expect(settingsPage.importStatus).toContainText('1 was left out:')
  await expect(settingsPage.importStatus.getByRole('listitem')).toHaveText(/^Hidden setup only: /)
  await expect(chatPage.conversationLink('Imported trip plan')).toBeVisible()

  await chatPage.conversationLink('Imported trip plan').click()
  await expect(page.getByRole('heading', { name: 'Imported trip plan', level: 1 })).toBeVisible()
  await expect(chatPage.userMessage('Hello')).toBeVisible()
  await expect(chatPage.replies()).toHaveCount(1)
  await expect(chatPage.replies()).toContainText('New answer')
  await expect(chatPage.userMessage('Thanks')).toBeVisible()
  await expect(chatPage.messages).not.toContainText('Old answer')
})

test('all conversations download as one file, which imports back into another account', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
  settingsPage,
}) => {
  await authPage.register(account)
  const token = await apiLogin(request, account.username, account.password)
  const garden = await createConversation(request, token, { title: 'Garden notes' })
  const archived = await createConversation(request, token, { title: 'Old budget' })
  for (const id of [garden, archived]) await seedTurns(request, token, id, 1)
  await request.patch(`/api/conversations/${archived}`, { headers: bearer(token), data: { archived: true } })

  await settingsPage.open()
  const file = await settingsPage.exportAllConversations()
  expect(file.name).toMatch(/^parley-conversations-\d{4}-\d{2}-\d{2}\.json$/)
  const titles = (file.content as { conversation: { title: string } }[]).map((each) => each.conversation.title)
  expect(titles.sort()).toEqual(['Garden notes', 'Old budget'])

  // Another account (another server, say) reads the file back.
  await authPage.signOut()
  await authPage.register({ ...account, username: `${account.username}_b`, email: `b_${account.email}` })
  await settingsPage.open()
  await settingsPage.importConversations(file.name, file.content)
  await expect(settingsPage.importStatus).toContainText('Imported 2 conversations.')
  await expect(chatPage.conversationLink('Garden notes')).toBeVisible()
  // Archived it was, archived it stays.
  await expect(chatPage.conversationLink('Old budget')).toHaveCount(0)
  await page.goto('/archived')
  await expect(page.getByRole('link', { name: 'Old budget' })).toBeVisible()

  // And all of them go at once, after a question.
  await settingsPage.open()
  await page.getByRole('button', { name: 'Delete all conversations' }).click()
  await page.getByRole('button', { name: 'Delete all', exact: true }).click()
  await expect(page.getByText('Deleted 2 conversations.')).toBeVisible()
  await expect(chatPage.sidebar.getByText('No conversations yet.')).toBeVisible()
  await page.goto('/archived')
  await expect(page.getByText('No archived chats.')).toBeVisible()
})
