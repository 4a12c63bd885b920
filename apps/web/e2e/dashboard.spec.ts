import { ADMIN, expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'
import { createConversation } from './support/seed.ts'

const count = new Intl.NumberFormat('en-US')
const DAY_MS = 24 * 60 * 60_000

interface ModelRow {
  model: string
  calls: number
  failed: number
}

test('dashboard: a model failing most of its calls stands out, and the cards follow the range picker', async ({
  page,
  request,
  account,
  authPage,
  operatorPages,
}) => {
  // Three messages to the model whose vendor is down (e2e/support/slow-model.mjs answers 500 for it).
  expect((await request.post('/api/users/', { data: account })).status()).toBe(200)
  const userToken = await apiLogin(request, account.username, account.password)
  const conversation = await createConversation(request, userToken, { model: 'broken' })
  for (let turn = 1; turn <= 3; turn += 1) {
    await request.post(`/api/conversations/${conversation}/messages`, {
      headers: bearer(userToken),
      data: { content: `Are you there? (${turn})`, model: 'broken' },
    })
  }
  // Model calls reach the reports in batches: wait until the report shows them.
  const adminToken = await apiLogin(request, ADMIN.username, ADMIN.password)
  const brokenCalls = async () => {
    const report = (await (await request.get('/api/analytics/models', { headers: bearer(adminToken) })).json()) as {
      models: ModelRow[]
    }
    return report.models.find((model) => model.model === 'broken')?.failed ?? 0
  }
  await expect.poll(brokenCalls, { timeout: 30_000 }).toBeGreaterThanOrEqual(3)

  await authPage.signIn(ADMIN)
  await operatorPages.openDashboard()
  const warning = page.getByRole('alert', { name: 'Failing models' })
  await expect(warning).toContainText(/broken \(openai-compatible\) failed \d+ of its \d+ calls in the last 24 hours/)
  const row = page.getByRole('row').filter({ hasText: 'broken (openai-compatible)' })
  await expect(row).toHaveClass(/row-failing/)
  await expect(row).toContainText('Failing')

  // Each latency figure says what it times.
  await expect(page.getByRole('group', { name: 'Model call p50', exact: true })).toContainText('whole reply')
  await expect(page.getByRole('group', { name: 'First token p50', exact: true })).toContainText(
    'wait for the first text',
  )
  await expect(page.getByRole('img', { name: 'Model call duration (whole reply) over time' })).toBeVisible()

  // Picking a range refetches the cards for that range, and they say so.
  const calls = page.getByRole('group', { name: 'Model calls', exact: true })
  await expect(calls).toContainText('last 24 hours')
  const summaryRequest = page.waitForRequest(
    (candidate) => candidate.url().includes('/api/analytics/summary') && candidate.url().includes('from='),
  )
  await page.getByLabel('Range').selectOption({ label: 'Last 7 days' })
  const url = new URL((await summaryRequest).url())
  const from = Date.parse(url.searchParams.get('from')!)
  const to = Date.parse(url.searchParams.get('to')!)
  expect(to - from).toBe(7 * DAY_MS)
  await expect(calls).toContainText('last 7 days')
  const weekly = (await (
    await request.get(`/api/analytics/summary${url.search}`, { headers: bearer(adminToken) })
  ).json()) as { model_calls: number }
  await expect(operatorPages.cardValue('Model calls')).toHaveText(count.format(weekly.model_calls))
  await expect(warning).toContainText('in the last 7 days')
})
