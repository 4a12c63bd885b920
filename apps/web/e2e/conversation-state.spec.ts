import { expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'

test('a conversation remembers its model across a reload, and a new chat starts with the last choice', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.newChat()
  await chatPage.send('which model am I talking to')
  await chatPage.waitForReply()
  await expect(page).toHaveTitle('which model am I talking to — Parley')
  await expect(chatPage.sidebar.getByRole('region', { name: 'Today' })).toContainText('which model am I talking to')

  const picker = chatPage.modelPicker
  await picker.selectOption('fast')
  await expect(picker).toHaveValue('fast')
  // The choice is stored with the conversation (server-side) before the reload.
  const token = await apiLogin(request, account.username, account.password)
  const conversationUrl = new URL(page.url()).pathname.replace('/c/', '/api/conversations/')
  await expect
    .poll(async () => {
      const response = await request.get(conversationUrl, { headers: bearer(token) })
      return ((await response.json()) as { model: string | null }).model
    })
    .toBe('fast')

  await page.reload()
  await expect(picker).toHaveValue('fast')
  await chatPage.send('and now?')
  await expect(chatPage.replies().last()).toContainText('A fast fake reply.')

  await chatPage.newChat()
  await expect(picker).toHaveValue('fast')
})
