import { AxeBuilder } from '@axe-core/playwright'
import type { APIRequestContext, Page } from '@playwright/test'
import { ADMIN, expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'
import { startHostSite } from './support/host-page.ts'

let host: Awaited<ReturnType<typeof startHostSite>>

test.beforeAll(async ({ browserName: _ }, testInfo) => {
  host = await startHostSite(testInfo.project.use.baseURL!)
})
test.afterAll(async () => host.close())

async function createWidget(request: APIRequestContext, fields: Record<string, unknown>) {
  const token = await apiLogin(request, ADMIN.username, ADMIN.password)
  const response = await request.post('/api/admin/widgets', {
    headers: bearer(token),
    data: { name: 'Shop', allowed_origins: [host.origin], model: 'fast', title: 'Shoe help', ...fields },
  })
  expect(response.status()).toBe(200)
  return ((await response.json()) as { id: string }).id
}

/** The chat panel inside the widget's open shadow root (Playwright's locators pierce it). */
const panel = (page: Page) => page.locator('parley-widget').getByRole('dialog', { name: 'Shoe help' })
const launcher = (page: Page) => page.locator('parley-widget').getByRole('button', { name: 'Chat', exact: true })
const botMessages = (page: Page) => page.locator('parley-widget .msg.bot')

async function send(page: Page, text: string) {
  await page.locator('parley-widget').getByRole('textbox', { name: 'Message' }).fill(text)
  await page.keyboard.press('Enter')
}

test('a visitor chats through the bubble on another site, and the chat survives a reload', async ({
  page,
  request,
}) => {
  const widgetId = await createWidget(request, { model: 'slow', greeting: 'Hi! Ask me about shoes.' })
  await page.goto(`${host.origin}/?widget=${widgetId}`)
  await launcher(page).click()
  await expect(panel(page)).toBeVisible()
  const email = page.locator('parley-widget').getByRole('textbox', { name: 'Your e-mail address' })
  await expect(email).toBeFocused()
  await email.fill('visitor@example.com')
  // Starting the session solves the widget's proof-of-work challenge in the browser first.
  await page.locator('parley-widget').getByRole('button', { name: 'Start chat' }).click()
  const message = page.locator('parley-widget').getByRole('textbox', { name: 'Message' })
  await expect(message).toBeFocused()
  await send(page, 'Do you have **red** shoes?')

  const reply = botMessages(page).last()
  // Streaming: the first words show while later ones are still to come.
  await expect(reply).toContainText('word2')
  expect(await reply.textContent()).not.toContain('word30')
  await expect(reply).toContainText('word30')
  await expect(reply).toHaveAttribute('aria-busy', 'false')

  await page.reload()
  // The panel was open: it opens again, with the conversation.
  await expect(panel(page)).toBeVisible()
  await expect(page.locator('parley-widget .msg.user')).toHaveText(['Do you have **red** shoes?'])
  await expect(botMessages(page).last()).toContainText('word30')

  await panel(page).locator('textarea').focus()
  await page.keyboard.press('Escape')
  await expect(panel(page)).toBeHidden()
  await expect(launcher(page)).toBeFocused()
  await expect(launcher(page)).toHaveAttribute('aria-expanded', 'false')
})

test("the host page's CSS leaves the widget unchanged and the widget does not shift the page", async ({
  page,
  request,
}) => {
  const widgetId = await createWidget(request, { proof_of_work: false })
  // Every page of this test starts with the widget closed: the open state (kept per tab) is forgotten before any
  // script of the page runs, so a state written while the previous page unloaded cannot reopen it.
  await page.addInitScript(() => sessionStorage.clear())
  const look = async (query: string) => {
    await page.goto(`${host.origin}/?widget=${widgetId}${query}`)
    await launcher(page).click()
    await expect(panel(page)).toBeVisible()
    const read = (locator: ReturnType<typeof launcher>) =>
      locator.evaluate((node) => {
        const style = getComputedStyle(node)
        return { color: style.color, font: style.font, width: node.getBoundingClientRect().width }
      })
    return {
      heading: await read(page.locator('parley-widget h2')),
      input: await read(page.locator('parley-widget input')),
    }
  }
  const plain = await look('')
  const hostile = await look('&hostile')
  expect(hostile).toEqual(plain)
  expect(hostile.heading.color).not.toBe('rgb(255, 0, 0)')
  // The page itself is affected, so the hostile stylesheet was really applied.
  expect(await page.locator('#content').evaluate((node) => getComputedStyle(node).color)).toBe('rgb(255, 0, 0)')

  await page.goto(`${host.origin}/?widget=${widgetId}`)
  await expect(launcher(page)).toBeVisible()
  await expect(page.locator('#content')).toBeVisible()
  const shift = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) total += (entry as unknown as { value: number }).value
        }).observe({ type: 'layout-shift', buffered: true })
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)))
      }),
  )
  expect(shift).toBe(0)
})

test('on a phone-sized screen the panel fills the screen', async ({ page, request }) => {
  const widgetId = await createWidget(request, { proof_of_work: false })
  await page.setViewportSize({ width: 390, height: 740 })
  await page.goto(`${host.origin}/?widget=${widgetId}`)
  await launcher(page).click()
  await expect(panel(page)).toBeVisible()
  expect(await panel(page).boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 740 })
})

test("the widget follows the visitor's colour scheme and reduced-motion settings", async ({ page, request }) => {
  const widgetId = await createWidget(request, { proof_of_work: false })
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' })
  await page.goto(`${host.origin}/?widget=${widgetId}`)
  await expect(launcher(page)).toHaveCSS('transition-duration', '0.15s')
  await launcher(page).click()
  await expect(panel(page)).toHaveCSS('background-color', 'rgb(255, 255, 255)')
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' })
  await expect(panel(page)).toHaveCSS('background-color', 'rgb(17, 24, 39)')
  await page.keyboard.press('Escape')
  await expect(launcher(page)).toHaveCSS('transition-duration', '0s')
})

test('the open panel has no serious accessibility violations', async ({ page, request }) => {
  const widgetId = await createWidget(request, { proof_of_work: false, greeting: 'Hello! **How** can I help?' })
  await page.goto(`${host.origin}/?widget=${widgetId}`)
  await launcher(page).click()
  await page.locator('parley-widget').getByRole('textbox', { name: 'Your e-mail address' }).fill('a@example.com')
  await page.locator('parley-widget').getByRole('button', { name: 'Start chat' }).click()
  await send(page, 'Hello')
  await expect(botMessages(page).last()).toHaveText('A fast fake reply.')
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    const results = await new AxeBuilder({ page }).include('parley-widget').analyze()
    const serious = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
    expect(serious, `${scheme}: ${JSON.stringify(serious, null, 2)}`).toEqual([])
  }
})

test('a page on an origin the widget does not allow gets no widget', async ({ page, request }) => {
  const widgetId = await createWidget(request, { proof_of_work: false })
  const isConfig = (candidate: { url(): string }) => candidate.url().includes(`/api/widgets/${widgetId}/config`)
  // The browser blocks the answer (no CORS for this origin), so the request ends as failed.
  const blocked = page.waitForEvent('requestfailed', isConfig)
  // Same site, but `localhost` is another origin than the allowed `127.0.0.1`.
  await page.goto(`http://localhost:${host.port}/?widget=${widgetId}`)
  await blocked
  await expect(page.locator('#content')).toBeVisible()
  await expect(page.locator('parley-widget')).toHaveCount(0)
  // The same page on the allowed origin does get the widget.
  await page.goto(`${host.origin}/?widget=${widgetId}`)
  await expect(launcher(page)).toBeVisible()
})

test('the session cap and the rate limit show their messages', async ({ page, request }) => {
  const capped = await createWidget(request, { proof_of_work: false, ask_email: false, messages_per_session: 1 })
  await page.goto(`${host.origin}/?widget=${capped}`)
  await launcher(page).click()
  await send(page, 'first')
  await expect(botMessages(page).last()).toHaveText('A fast fake reply.')
  await send(page, 'second')
  await expect(panel(page).getByRole('alert')).toHaveText(/reached its message limit/)

  const limited = await createWidget(request, { proof_of_work: false, ask_email: false, messages_per_minute: 1 })
  await page.goto(`${host.origin}/?widget=${limited}`)
  await launcher(page).click()
  await send(page, 'one')
  await expect(botMessages(page).last()).toHaveText('A fast fake reply.')
  await send(page, 'two')
  const alert = panel(page).getByRole('alert')
  await expect(alert).toContainText('sending messages too quickly')
  await expect(alert.getByRole('button', { name: 'Try again' })).toBeVisible()
})

test('an unreachable service says so, and trying again sends the message', async ({ page, request }) => {
  const widgetId = await createWidget(request, { proof_of_work: false, ask_email: false })
  await page.goto(`${host.origin}/?widget=${widgetId}`)
  await launcher(page).click()
  await page.route('**/api/chat?*', (route) => route.abort('connectionrefused'))
  await send(page, 'Are you there?')
  const alert = panel(page).getByRole('alert')
  await expect(alert).toContainText('cannot be reached')
  await page.unroute('**/api/chat?*')
  await alert.getByRole('button', { name: 'Try again' }).click()
  await expect(botMessages(page).last()).toHaveText('A fast fake reply.')
  await expect(alert).toBeHidden()
  await expect(page.locator('parley-widget .msg.user')).toHaveText(['Are you there?'])
})

test('a page with the documented Content-Security-Policy runs the widget, styles included', async ({
  page,
  request,
}) => {
  const widgetId = await createWidget(request, { ask_email: false, accent_color: '#aa3300' })
  const violations: string[] = []
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text())
  })
  await page.goto(`${host.origin}/?widget=${widgetId}&csp`)
  await expect(launcher(page)).toHaveCSS('background-color', 'rgb(170, 51, 0)')
  await launcher(page).click()
  // With the proof of work on (the default): the challenge is solved in the page under its policy.
  await send(page, 'Hello under CSP')
  await expect(botMessages(page).last()).toHaveText('A fast fake reply.')
  await expect(panel(page)).toHaveCSS('position', 'fixed')
  expect(violations).toEqual([])
})

test('inline mode renders the chat into the page', async ({ page, request }) => {
  const widgetId = await createWidget(request, { proof_of_work: false, ask_email: false })
  await page.goto(`${host.origin}/inline?widget=${widgetId}`)
  const region = page.locator('#parley-chat parley-widget').getByRole('region', { name: 'Shoe help' })
  await expect(region).toBeVisible()
  await expect(page.locator('parley-widget').getByRole('button', { name: 'Chat', exact: true })).toHaveCount(0)
  await send(page, 'Inline hello')
  await expect(botMessages(page).last()).toHaveText('A fast fake reply.')
})

test('an answer cut off at the model’s length limit says so', async ({ page, request }) => {
  const widgetId = await createWidget(request, { model: 'echo', proof_of_work: false, ask_email: false })
  await page.goto(`${host.origin}/inline?widget=${widgetId}`)
  await send(page, 'Tell me about shoes, all the way to the limit')
  const reply = botMessages(page).last()
  await expect(reply).toContainText('all the way to the limit')
  await expect(reply).toContainText('The answer was cut short: it reached its length limit.')
  await send(page, 'And a short answer')
  await expect(botMessages(page).last()).toHaveText('And a short answer')
  // The restored history says so too, and only for the answer that was cut.
  await page.reload()
  await expect(botMessages(page)).toHaveCount(2)
  await expect(botMessages(page).first()).toContainText('The answer was cut short')
  await expect(botMessages(page).last()).toHaveText('And a short answer')
})

test('an answer the model could not give says so, and says so again after a reload', async ({ page, request }) => {
  const widgetId = await createWidget(request, { model: 'broken', proof_of_work: false, ask_email: false })
  await page.goto(`${host.origin}/inline?widget=${widgetId}`)
  await send(page, 'Are you there?')
  const noAnswer = 'Sorry, no answer could be produced right now. Please try again.'
  await expect(botMessages(page)).toHaveText([noAnswer])
  await page.reload()
  await expect(page.locator('parley-widget .msg.user')).toHaveText(['Are you there?'])
  await expect(botMessages(page)).toHaveText([noAnswer])
})

test('an answer that fails part-way keeps its text and says it is unfinished, live and after a reload', async ({
  page,
  request,
}) => {
  const widgetId = await createWidget(request, { model: 'slow', proof_of_work: false, ask_email: false })
  await page.goto(`${host.origin}/inline?widget=${widgetId}`)
  await send(page, 'Start, then break')
  const unfinished = 'The answer stopped before it was finished. Please try again.'
  const reply = botMessages(page).last()
  await expect(reply).toHaveAttribute('aria-busy', 'false')
  await expect(reply).toContainText('word1 word2 word3')
  await expect(reply).toContainText(unfinished)
  await page.reload()
  await expect(botMessages(page)).toHaveCount(1)
  await expect(botMessages(page).last()).toContainText('word1 word2 word3')
  await expect(botMessages(page).last()).toContainText(unfinished)
})

test('a page reloaded while an answer is written shows it from its start and follows it to its end', async ({
  page,
  request,
}) => {
  const widgetId = await createWidget(request, { model: 'slow', proof_of_work: false, ask_email: false })
  await page.goto(`${host.origin}/inline?widget=${widgetId}`)
  await send(page, 'Count for me')
  await expect(botMessages(page).last()).toContainText('word3')

  await page.reload()
  const reply = botMessages(page).last()
  await expect(reply).toContainText('word1 word2 word3')
  await expect(reply).toHaveAttribute('aria-busy', 'true')
  // Every text the answer shows from here on is recorded, to see it grow as it is written rather than in jumps.
  await reply.evaluate((element) => {
    const shown = new Set<string>()
    new MutationObserver(() => shown.add(element.textContent ?? '')).observe(element, {
      childList: true,
      subtree: true,
      characterData: true,
    })
    Object.assign(window, { shownTexts: shown })
  })
  // Sending waits for the answer being written, as it does live.
  await expect(page.locator('parley-widget').getByRole('button', { name: 'Send' })).toBeDisabled()
  await expect(reply).toContainText('word30')
  // The model writes a word every ~150 ms: followed live, the answer grows by a word or so at a time (a page
  // reading it again every second would show it in three or four jumps).
  const shown = await page.evaluate(() => (window as unknown as { shownTexts: Set<string> }).shownTexts.size)
  expect(shown).toBeGreaterThanOrEqual(8)
  await expect(reply).toHaveAttribute('aria-busy', 'false')
  await expect(botMessages(page)).toHaveCount(1)
  await send(page, 'Thanks')
  await expect(page.locator('parley-widget .msg.user')).toHaveText(['Count for me', 'Thanks'])
})
