import { expect, test } from './fixtures.ts'

test('offline is shown at once; a message sent offline waits in the thread and goes out once back online', async ({
  page,
  context,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.newChat()
  await chatPage.send('first, while online')
  await chatPage.waitForReply()

  await context.setOffline(true)
  // The browser's own offline event, not a socket time-out (which takes many seconds), tells the page.
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible({ timeout: 5_000 })
  await chatPage.send('second, written offline')
  await expect(chatPage.composer).toHaveValue('')
  const waiting = chatPage.messages.locator('[data-status="pending"]').filter({ hasText: 'second, written offline' })
  await expect(waiting).toBeVisible()
  await expect(waiting).toContainText('Waiting to send')

  await context.setOffline(false)
  await expect(waiting).toHaveCount(0)
  await expect(chatPage.userMessage('second, written offline')).toBeVisible()
  await expect(chatPage.replies()).toHaveCount(2)
  await chatPage.waitForReply()
})

test('a rename that cannot reach the server says so instead of reverting silently', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.newChat()
  await chatPage.send('rename me later')
  await chatPage.waitForReply()
  await page.route('**/api/conversations/*', (route) =>
    route.request().method() === 'PATCH' ? route.abort('connectionrefused') : route.continue(),
  )
  await chatPage.sidebar.getByRole('button', { name: /^Rename .*rename me later/ }).click()
  await chatPage.sidebar.getByRole('textbox', { name: 'New title' }).fill('A better title')
  await chatPage.sidebar.getByRole('button', { name: 'Save' }).click()
  await expect(chatPage.sidebar.getByRole('alert')).toContainText('Rename failed')
})
