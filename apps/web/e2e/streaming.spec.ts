import type { WebSocketRoute } from '@playwright/test'
import { expect, test } from './fixtures.ts'

/** What the slow fake model (e2e/support/slow-model.mjs) streams, one word every ~150 ms. */
const SLOW_REPLY = Array.from({ length: 30 }, (_, index) => `word${index + 1}`).join(' ')

test.describe('streaming with a slow model', () => {
  test.beforeEach(async ({ account, authPage, chatPage }) => {
    await authPage.register(account)
    await chatPage.pickModel('slow')
  })

  test('stop a reply mid-stream', async ({ page, chatPage }) => {
    await chatPage.send('Count slowly until stopped')
    const reply = chatPage.replies().last()
    await expect(reply).toContainText('word3')
    await page.getByRole('button', { name: 'Stop', exact: true }).click()
    await expect(reply).toHaveAttribute('data-status', 'stopped')
    await expect(reply).toContainText('Stopped')
    // The model would go on for ever: what the reply shows after a reload is what was stored when it stopped.
    const wordsOf = async () => (await chatPage.replies().last().textContent())?.match(/word\d+/g)
    const stoppedAt = await wordsOf()
    await page.reload()
    await expect(chatPage.replies().last()).toHaveAttribute('data-status', 'stopped')
    expect(await wordsOf()).toEqual(stoppedAt)
  })

  test('a socket dropped mid-reply reconnects and catches up without losing or duplicating text', async ({
    page,
    chatPage,
  }) => {
    // Every app socket goes through this route to the real server, so the test can cut one like a network drop.
    const sockets: WebSocketRoute[] = []
    await page.routeWebSocket(/\/api\/ws$/, (socket) => {
      socket.connectToServer()
      sockets.push(socket)
    })
    await page.reload()
    await chatPage.pickModel('slow')
    await chatPage.send('Count slowly, then survive a drop')
    const reply = chatPage.replies().last()
    await expect(reply).toContainText('word4')
    await sockets.at(-1)?.close({ code: 4000, reason: 'e2e drop' })
    await expect.poll(() => sockets.length).toBeGreaterThan(1)
    await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
    await expect(reply.locator('.markdown')).toHaveText(SLOW_REPLY)
  })

  test('a page reloaded mid-reply shows the reply from its start and goes on', async ({ page, chatPage }) => {
    await chatPage.send('Count slowly until stopped, across a reload')
    await expect(chatPage.replies().last()).toContainText('word4')
    await page.reload()
    const reply = chatPage.replies().last()
    await expect(reply).toContainText('word8')
    await expect(reply).toHaveAttribute('data-status', 'streaming')
    // Every word once, in order: the text listed before the reload's socket caught up, then the words after it.
    const words = (await reply.locator('.markdown').textContent())?.match(/word\d+/g) ?? []
    expect(words).toEqual(words.map((_, index) => `word${index + 1}`))
    await page.getByRole('button', { name: 'Stop', exact: true }).click()
    await expect(reply).toHaveAttribute('data-status', 'stopped')
  })

  test('two tabs see the same conversation update', async ({ page, context, chatPage }) => {
    await chatPage.send('Shared between tabs')
    await expect(chatPage.replies().last()).toContainText('word1')
    const other = await context.newPage()
    await other.goto(page.url())
    const otherReply = other.getByRole('log', { name: 'Messages' }).getByRole('article', { name: 'Reply' }).last()
    // The second tab may open while the reply streams or after it ended (then the message also shows "Edit"):
    // either way it ends up with the same messages.
    await expect(other.getByRole('article', { name: 'You' })).toContainText('Shared between tabs')
    await expect(otherReply).toHaveAttribute('data-status', 'complete', { timeout: 20_000 })
    await expect(otherReply.locator('.markdown')).toHaveText(SLOW_REPLY)
    await expect(chatPage.replies().last().locator('.markdown')).toHaveText(SLOW_REPLY)
  })
})
