import { ChatEvent } from '@parley/protocol'
import { ARTIFACTS, expect, test } from './fixtures.ts'

test('register, sign in, chat with a streamed reply, keep it over a reload, search, rename and delete', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await page.screenshot({ path: `${ARTIFACTS}new-chat.png` })
  await authPage.signOut()
  await page.screenshot({ path: `${ARTIFACTS}sign-in.png` })
  // Count the reply's pieces as they arrive on the socket: the reply must stream, not arrive whole.
  const deltas: string[] = []
  page.on('websocket', (socket) =>
    socket.on('framereceived', ({ payload }) => {
      const event = ChatEvent.safeParse(typeof payload === 'string' ? JSON.parse(payload) : undefined)
      if (event.success && event.data.type === 'reply.delta') deltas.push(event.data.text)
    }),
  )
  await authPage.signIn(account)

  const question = `What can you do, quokka-${account.username}?`
  await chatPage.send(question)
  await expect(chatPage.userMessage(question)).toBeVisible()
  const reply = await chatPage.waitForReply()
  await reply.getByRole('button', { name: 'Reply details' }).click()
  await expect(reply).toContainText(/Built-in local model · \d+ prompt tokens · \d+ completion tokens/)
  expect(deltas.length).toBeGreaterThan(3)
  await page.screenshot({ path: `${ARTIFACTS}conversation.png` })

  const url = page.url()
  await page.reload()
  expect(page.url()).toBe(url)
  await expect(chatPage.userMessage(question)).toBeVisible()
  await expect(chatPage.replies().last()).toContainText('Parley is running')

  await chatPage.search(`quokka-${account.username}`)
  const link = chatPage.conversationLink(question)
  await expect(link).toBeVisible()
  await page.screenshot({ path: `${ARTIFACTS}search.png` })
  await chatPage.search('no-such-conversation-anywhere')
  await expect(chatPage.sidebar.getByText('Nothing matches.')).toBeVisible()
  await chatPage.search('')

  await chatPage.sidebar.getByRole('button', { name: `Rename “${question}”` }).click()
  await chatPage.sidebar.getByRole('textbox', { name: 'New title' }).fill('Quokka facts')
  await chatPage.sidebar.getByRole('textbox', { name: 'New title' }).press('Enter')
  await expect(chatPage.conversationLink('Quokka facts')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Quokka facts' })).toBeVisible()

  await chatPage.deleteConversation('Quokka facts')
  await expect(page.getByRole('heading', { name: 'New chat' })).toBeVisible()
})

test('regenerate a reply and edit the last message', async ({ page, account, authPage, chatPage }) => {
  await authPage.register(account)
  await chatPage.send('First question')
  const first = await chatPage.waitForReply()
  await first.getByRole('button', { name: 'Regenerate' }).click()
  await chatPage.waitForReply()
  await expect(chatPage.replies()).toHaveCount(1)

  await chatPage.userMessage('First question').getByRole('button', { name: 'Edit' }).click()
  await page.getByRole('textbox', { name: 'Edit message' }).fill('Second question')
  await page.getByRole('button', { name: 'Save and resend' }).click()
  await expect(chatPage.userMessage('Second question')).toBeVisible()
  await chatPage.waitForReply()
  await expect(chatPage.userMessage('First question')).toHaveCount(0)
  await expect(chatPage.replies()).toHaveCount(1)
})

test('after its first reply a conversation is titled by its model, in the list and the heading', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.pickModel('fast')
  await chatPage.send('How do quokkas sleep at night?')
  await expect(chatPage.replies().last()).toHaveText(/A fast fake reply/)
  await expect(chatPage.conversationLink('About How do quokkas')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'About How do quokkas' })).toBeVisible()
  await expect(page).toHaveTitle('About How do quokkas — Parley')
  await page.reload()
  await expect(chatPage.conversationLink('About How do quokkas')).toBeVisible()
})

test('a conversation shared by link reads without signing in, until its owner stops sharing it', async ({
  page,
  browser,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.pickModel('echo')
  await chatPage.send('Quokkas **smile** a lot')
  await expect(chatPage.replies().last()).toHaveAttribute('data-status', 'complete')

  await page.getByRole('button', { name: 'Share' }).click()
  const dialog = page.getByRole('dialog', { name: 'Share conversation' })
  await dialog.getByRole('button', { name: 'Create link' }).click()
  const link = dialog.getByRole('textbox', { name: /^Link shared/ })
  await expect(link).toHaveValue(/\/s\/[A-Za-z0-9_-]{24}$/)
  const url = await link.inputValue()

  // Someone else, signed out, in a browser of their own.
  const visitor = await browser.newContext()
  const visitorPage = await visitor.newPage()
  await visitorPage.goto(url)
  await expect(visitorPage.getByRole('heading', { level: 1 })).toBeVisible()
  await expect(visitorPage.getByRole('article', { name: 'Message' })).toHaveText('Quokkas **smile** a lot')
  // The reply is Markdown, shown as such.
  await expect(visitorPage.getByRole('article', { name: 'Reply' }).locator('strong')).toHaveText('smile')
  await expect(visitorPage.getByRole('button', { name: 'Send' })).toHaveCount(0)

  await dialog.getByRole('button', { name: 'Stop sharing' }).click()
  await dialog.getByRole('button', { name: 'Stop sharing' }).click()
  await expect(link).toHaveCount(0)
  await visitorPage.reload()
  await expect(
    visitorPage.getByText('This link does not exist, has expired, or its owner stopped sharing it.'),
  ).toBeVisible()
  await visitor.close()

  // Settings lists every link the account shared, to end any from one place; this one works for a week.
  await dialog.getByLabel('Link works').selectOption({ label: 'for 7 days' })
  await dialog.getByRole('button', { name: 'Create link' }).click()
  await expect(link).toHaveCount(1)
  await expect(dialog.getByRole('listitem')).toContainText('· until ')
  await dialog.getByRole('button', { name: 'Close' }).click()
  await page.goto('/settings')
  const links = page.getByRole('list', { name: 'Shared links' })
  await expect(links.getByRole('listitem')).toHaveCount(1)
  await expect(links.getByRole('listitem')).toContainText('· until ')
  await links.getByRole('button', { name: /^Stop sharing/ }).click()
  await links.getByRole('button', { name: 'Stop sharing', exact: true }).click()
  await expect(page.getByText('You have not shared a conversation.')).toBeVisible()
})

test('an address that is no page of the app says so, beside the chats, with the way back', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await page.goto('/no-such-page')
  await expect(page.getByRole('heading', { name: 'Page not found', level: 1 })).toBeVisible()
  await expect(chatPage.sidebar).toBeVisible()
  await expect(page).toHaveURL(/\/no-such-page$/)
  await page.getByRole('link', { name: 'Back to your chats' }).click()
  await expect(page).toHaveURL(/\/$/)
  await expect(chatPage.composer).toBeEditable()
})
