import { randomUUID } from 'node:crypto'
import { ARTIFACTS, expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'
import { fakeModelRequestFor, textOf } from './support/fake-model.ts'

test('a conversation’s system prompt, temperature and max tokens are saved, survive a reload and reach the model', async ({
  page,
  request,
  account,
  authPage,
  chatPage,
}) => {
  const marker = randomUUID().slice(0, 8)
  const prompt = `You are a terse pirate (${marker}).`
  await authPage.register(account)
  await chatPage.pickModel('fast')
  await chatPage.send(`Before the settings ${marker}`)
  await expect(chatPage.replies().last()).toHaveAttribute('data-status', 'complete')

  const settingsButton = page.getByRole('button', { name: /^Chat settings/ })
  await settingsButton.click()
  const dialog = page.getByRole('dialog', { name: 'Chat settings' })
  await expect(dialog.getByLabel('System prompt')).toBeFocused()
  await dialog.getByLabel('System prompt').fill(prompt)
  // Out of bounds: said next to the field, and nothing is saved.
  await dialog.getByLabel('Temperature').fill('5')
  await dialog.getByRole('button', { name: 'Save settings' }).click()
  await expect(dialog.getByText('A number from 0 to 2.')).toBeVisible()
  await expect(dialog.getByLabel('Temperature')).toHaveAttribute('aria-invalid', 'true')
  await dialog.getByLabel('Temperature').fill('0.4')
  await dialog.getByLabel('Max tokens').fill('300')
  await page.screenshot({ path: `${ARTIFACTS}conversation-settings.png` })
  await dialog.getByRole('button', { name: 'Save settings' }).click()
  await expect(dialog).toBeHidden()
  await expect(settingsButton).toHaveAccessibleName('Chat settings (customised)')

  // Stored with the conversation on the server.
  const token = await apiLogin(request, account.username, account.password)
  const conversationUrl = new URL(page.url()).pathname.replace('/c/', '/api/conversations/')
  const stored = (await (await request.get(conversationUrl, { headers: bearer(token) })).json()) as Record<
    string,
    unknown
  >
  expect(stored).toMatchObject({ system_prompt: prompt, temperature: 0.4, max_tokens: 300 })

  await page.reload()
  await page.getByRole('button', { name: /^Chat settings/ }).click()
  await expect(dialog.getByLabel('System prompt')).toHaveValue(prompt)
  await expect(dialog.getByLabel('Temperature')).toHaveValue('0.4')
  await expect(dialog.getByLabel('Max tokens')).toHaveValue('300')
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()

  const question = `After the settings ${marker}`
  await chatPage.send(question)
  await expect(chatPage.userMessage(question)).toBeVisible()
  await expect(chatPage.replies().last()).toHaveAttribute('data-status', 'complete')
  const received = await fakeModelRequestFor(request, question)
  expect(received.messages[0]).toMatchObject({ role: 'system' })
  expect(textOf(received.messages[0]!.content)).toBe(prompt)
  expect(received.temperature).toBe(0.4)
  expect(received.max_tokens).toBe(300)
})
