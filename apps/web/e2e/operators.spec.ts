import { ADMIN, ARTIFACTS, expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'

const count = new Intl.NumberFormat('en-US')

test('an admin sees dashboard figures that match the activity the test created', async ({
  page,
  request,
  account,
  authPage,
  operatorPages,
}) => {
  // Activity: a new account that chats once, over the API.
  expect((await request.post('/api/users/', { data: account })).status()).toBe(200)
  const userToken = await apiLogin(request, account.username, account.password)
  const conversation = (await (
    await request.post('/api/conversations/', { headers: bearer(userToken), data: {} })
  ).json()) as { id: string }
  const sent = await request.post(`/api/conversations/${conversation.id}/messages`, {
    headers: bearer(userToken),
    data: { content: 'Counted by the dashboard' },
  })
  expect(sent.status()).toBe(200)

  const adminToken = await apiLogin(request, ADMIN.username, ADMIN.password)
  const summary = (await (
    await request.get('/api/analytics/summary', { headers: bearer(adminToken) })
  ).json()) as Record<string, number>
  expect(summary.total_users).toBeGreaterThanOrEqual(2)
  expect(summary.total_messages).toBeGreaterThanOrEqual(2)

  await authPage.signIn(ADMIN)
  await operatorPages.openDashboard()
  await expect(operatorPages.cardValue('Total users')).toHaveText(count.format(summary.total_users!))
  await expect(operatorPages.cardValue('Messages')).toHaveText(count.format(summary.total_messages!))
  await expect(operatorPages.cardValue('Conversations')).toHaveText(count.format(summary.total_conversations!))
  await expect(page.getByRole('img', { name: 'Messages over time' }).locator('svg').first()).toBeVisible()
  await page.setViewportSize({ width: 1280, height: 1800 }) // the page scrolls inside the layout: show all of it
  await page.screenshot({ path: `${ARTIFACTS}dashboard.png` })
  await page.setViewportSize({ width: 1280, height: 720 })

  const download = page.waitForEvent('download')
  await page.getByRole('group', { name: 'Export CSV' }).getByRole('button', { name: 'Users' }).click()
  expect((await download).suggestedFilename()).toMatch(/\.csv$/)

  await operatorPages.openUsers()
  await page.getByRole('searchbox', { name: 'Search users' }).fill(account.username)
  const row = page.getByRole('row').filter({ hasText: account.email })
  await expect(row).toHaveCount(1)
  // Saved at once; the box shows the stored roles once the server answers.
  await row.getByRole('checkbox', { name: 'manager' }).click()
  await expect(row.getByRole('checkbox', { name: 'manager' })).toBeChecked()
  await page.screenshot({ path: `${ARTIFACTS}users.png` })
})

test('a user is refused the operators’ screens', async ({ page, request, account, authPage }) => {
  await authPage.register(account)
  await expect(page.getByRole('link', { name: 'Dashboard' })).toHaveCount(0)
  await page.goto('/admin/analytics')
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible()
  await page.goto('/admin/users')
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible()
  const token = await apiLogin(request, account.username, account.password)
  expect((await request.get('/api/analytics/summary', { headers: bearer(token) })).status()).toBe(403)
  expect((await request.get('/api/admin/users', { headers: bearer(token) })).status()).toBe(403)
})

test('an admin creates an account for someone, who signs in with the password shown once', async ({
  page,
  account,
  authPage,
  operatorPages,
}) => {
  await authPage.signIn(ADMIN)
  await operatorPages.openUsers()
  await page.getByRole('button', { name: 'New user' }).click()
  const dialog = page.getByRole('dialog', { name: 'New user' })
  await dialog.getByLabel('Username').fill(account.username)
  await dialog.getByLabel('E-mail').fill('not an address')
  await dialog.getByRole('button', { name: 'Create user' }).click()
  await expect(dialog.getByText('E-mail must be a valid e-mail address.')).toBeVisible()

  await dialog.getByLabel('E-mail').fill(account.email)
  await dialog.getByLabel('Role').selectOption('Manager')
  await dialog.getByRole('button', { name: 'Create user' }).click()
  const shown = page.getByRole('dialog', { name: `${account.username} can sign in` })
  const password = (await shown.getByLabel('New password').textContent())!
  expect(password.length).toBeGreaterThanOrEqual(20)
  await page.screenshot({ path: `${ARTIFACTS}new-user-created.png` })
  await shown.getByRole('button', { name: 'Done' }).click()
  // Among every account the other tests made: found by searching, as an admin would.
  await page.getByRole('searchbox', { name: 'Search users' }).fill(account.username)
  const row = page.getByRole('row').filter({ hasText: account.email })
  await expect(row).toHaveCount(1)
  await expect(row.getByRole('cell', { name: 'Password', exact: true })).toBeVisible()
  await expect(page.locator('body')).not.toContainText(password)

  // They lost it: the admin gives them another.
  await row.getByRole('button', { name: `Reset password of ${account.username}` }).click()
  await row.getByRole('button', { name: 'Reset', exact: true }).click()
  const reset = page.getByRole('dialog', { name: `New password of ${account.username}` })
  const newPassword = (await reset.getByLabel('New password').textContent())!
  expect(newPassword).not.toBe(password)
  await reset.getByRole('button', { name: 'Done' }).click()

  await authPage.signOut()
  await page.getByLabel('Username or e-mail').fill(account.username)
  await page.getByLabel('Password').fill(newPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // Signed in as a manager, whom the users list (where the admin signed out) lets in.
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible()
  await expect(page.getByRole('button', { name: 'New user' })).toHaveCount(0)
})

test('an admin invites someone, who makes their own account through the link, once', async ({
  page,
  browser,
  account,
  authPage,
  operatorPages,
}) => {
  await authPage.signIn(ADMIN)
  await operatorPages.openUsers()
  await page.getByRole('button', { name: 'Invite' }).click()
  const dialog = page.getByRole('dialog', { name: 'Invite someone' })
  await dialog.getByLabel('Role').selectOption('Manager')
  await dialog.getByLabel('Link works for').selectOption('1')
  await dialog.getByRole('button', { name: 'Create link' }).click()
  const shown = page.getByRole('dialog', { name: 'Invitation link' })
  const link = (await shown.getByLabel('Invitation link').textContent())!
  expect(link).toMatch(/\/register\?invitation=[\w-]{32}$/)
  await shown.getByRole('button', { name: 'Done' }).click()
  const invitations = page.getByRole('table', { name: 'Invitations' })
  await expect(invitations.getByRole('row').filter({ hasText: 'Waiting' }).first()).toBeVisible()

  // The invited person, in a browser of their own.
  const invited = await (await browser.newContext()).newPage()
  await invited.goto(link)
  await expect(invited.getByRole('heading', { name: 'You are invited' })).toBeVisible()
  await expect(invited.getByText('Create your account here as a manager.')).toBeVisible()
  await invited.getByLabel('Username').fill(account.username)
  await invited.getByLabel('E-mail').fill(account.email)
  await invited.getByLabel('Password').fill(account.password)
  await invited.getByRole('button', { name: 'Create account' }).click()
  await expect(invited.getByRole('heading', { name: 'New chat' })).toBeVisible()
  // A manager: the operators' screens are theirs to read.
  await expect(invited.getByRole('link', { name: 'Dashboard' })).toBeVisible()

  // Used once: the link makes no second account.
  const again = await (await browser.newContext()).newPage()
  await again.goto(link)
  await expect(again.getByRole('heading', { name: 'This invitation is no longer valid' })).toBeVisible()

  await page.reload()
  await expect(invitations.getByRole('row').filter({ hasText: 'Accepted' }).first()).toBeVisible()
  await page.screenshot({ path: `${ARTIFACTS}invitations.png` })
})
