import { randomUUID } from 'node:crypto'
import { ADMIN, expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'

const SHOP = 'https://shop.example.com'
const BROWSER = { origin: SHOP, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36' }

test("the dashboard narrows every figure to one widget's visitors", async ({
  page,
  request,
  account,
  authPage,
  operatorPages,
}) => {
  const admin = bearer(await apiLogin(request, ADMIN.username, ADMIN.password))
  const name = `Shop ${randomUUID().slice(0, 6)}`
  const created = await request.post('/api/admin/widgets', {
    headers: admin,
    data: { name, allowed_origins: [SHOP], model: 'fast', proof_of_work: false, ask_email: false },
  })
  expect(created.status()).toBe(200)
  const widgetId = ((await created.json()) as { id: string }).id

  // One visitor of the shop's site chats once: two messages, one conversation.
  const session = await request.post(`/api/auth/email?widget=${widgetId}`, { headers: BROWSER, data: {} })
  expect(session.status()).toBe(200)
  const token = ((await session.json()) as { access_token: string }).access_token
  const reply = await request.post(`/api/chat?widget=${widgetId}`, {
    headers: { ...BROWSER, ...bearer(token) },
    data: { message: 'Do you ship abroad?' },
  })
  expect(((await reply.json()) as { success: boolean }).success).toBe(true)
  // Activity outside the widget: an account that chats once.
  expect((await request.post('/api/users/', { data: account })).status()).toBe(200)
  const user = bearer(await apiLogin(request, account.username, account.password))
  const conversation = (await (
    await request.post('/api/conversations/', { headers: user, data: { model: 'fast' } })
  ).json()) as { id: string }
  const sent = await request.post(`/api/conversations/${conversation.id}/messages`, {
    headers: user,
    data: { content: 'Not from the shop' },
  })
  expect(sent.status()).toBe(200)
  // Visitors are counted once the analytics buffer is stored (every second).
  await expect
    .poll(async () => {
      const summary = await request.get(`/api/analytics/summary?widget_id=${widgetId}`, { headers: admin })
      return ((await summary.json()) as { total_users: number }).total_users
    })
    .toBe(1)

  await authPage.signIn(ADMIN)
  await operatorPages.openDashboard()
  // Everything first: the account's messages too.
  await expect(operatorPages.cardValue('Messages')).not.toHaveText('2')
  await page.getByLabel('Widget').selectOption({ label: name })
  await expect(operatorPages.cardValue('Total users')).toHaveText('1')
  await expect(operatorPages.cardValue('Conversations')).toHaveText('1')
  await expect(operatorPages.cardValue('Messages')).toHaveText('2')
  await expect(operatorPages.cardValue('Guest sessions today')).toHaveText('1')
  await expect(page.getByRole('table', { name: 'Usage by model' })).toContainText('fast')

  await page.getByLabel('Widget').selectOption({ label: 'Everything' })
  await expect(operatorPages.cardValue('Messages')).not.toHaveText('2')
})
