import { expect, test } from './fixtures.ts'
import { chatGptConversation, hiddenOnlyConversation } from './support/chatgpt-export.ts'

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
