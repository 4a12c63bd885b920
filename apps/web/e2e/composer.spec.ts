import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { apiLogin } from './support/api.ts'
import { createConversation, numberedTurns, sendTurns } from './support/seed.ts'
import type { ChatPage } from './pages/chat-page.ts'

test('over-length text stays in the composer with a counter, and is not sent', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.newChat()
  const text = 'a'.repeat(9_000)
  await chatPage.composer.fill(text)
  await expect(page.getByText('9,000 / 8,000 characters: shorten it by 1,000 to send.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled()
  await chatPage.composer.press('Enter')
  await expect(chatPage.composer).toHaveValue(text)
  await expect(page.getByRole('heading', { name: 'New chat' })).toBeVisible()
})

test.describe('a conversation taller than the screen, read from its top', () => {
  let conversationId: string
  test.beforeEach(async ({ request, account, authPage }) => {
    await authPage.register(account)
    const token = await apiLogin(request, account.username, account.password)
    conversationId = await createConversation(request, token)
    await sendTurns(request, token, conversationId, numberedTurns(30))
  })

  /** Opens the conversation on the slow model and scrolls to its top, away from its newest turn. */
  async function openScrolledUp(page: Page, chatPage: ChatPage) {
    await page.goto(`/c/${conversationId}`)
    await expect(chatPage.userMessage('turn 30')).toBeInViewport()
    await chatPage.pickModel('slow')
    await scrollToTop(chatPage)
    await expect(chatPage.userMessage('turn 30')).not.toBeInViewport()
  }
  const scrollToTop = (chatPage: ChatPage) => chatPage.messages.evaluate((element) => element.scrollTo({ top: 0 }))

  test('sending brings the new turn into view; "Jump to latest" brings the reply back', async ({ page, chatPage }) => {
    await openScrolledUp(page, chatPage)
    await chatPage.send('a question asked from the top')
    await expect(chatPage.userMessage('a question asked from the top')).toBeInViewport()

    // The slow fake streams for a few seconds: reading back up while it arrives offers a way down. Scrolled up only
    // once the reply has begun: until the server has stored the question, the reader's own turn still pulls the
    // view down to it.
    await expect(chatPage.replies().last()).toContainText('word1')
    await scrollToTop(chatPage)
    const jump = page.getByRole('button', { name: 'Jump to latest' })
    await expect(jump).toBeVisible()
    await jump.click()
    await expect(chatPage.replies().last()).toBeInViewport()
    await expect(jump).toHaveCount(0)
  })

  test("the reader's own new turn comes into view when its reply's first frame arrives with it", async ({
    page,
    chatPage,
  }) => {
    // The server's frames from the stored question up to its reply's start are held and passed on together, as a
    // slow network or a busy tab delivers them: the page sees the question and the reply's start in one go.
    await page.routeWebSocket(/\/api\/ws$/, (socket) => {
      const server = socket.connectToServer()
      const held: (string | Buffer)[] = []
      server.onMessage((frame) => {
        const text = frame.toString()
        const isQuestion = text.includes('"message.created"') && text.includes('"role":"user"')
        if (isQuestion || held.length > 0) held.push(frame)
        else socket.send(frame)
        if (text.includes('"reply.started"')) for (const each of held.splice(0)) socket.send(each)
      })
    })
    await openScrolledUp(page, chatPage)
    await chatPage.send('a question whose reply starts with it')
    await expect(chatPage.userMessage('a question whose reply starts with it')).toBeInViewport()
    await expect(chatPage.replies().last()).toContainText('word1')
  })
})
