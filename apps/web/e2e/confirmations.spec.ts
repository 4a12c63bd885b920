import { ADMIN, expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1'

test('settings: sessions name their device, a key is revoked only once confirmed, other sessions sign out at once', async ({
  page,
  request,
  account,
  authPage,
  settingsPage,
}) => {
  await authPage.register(account)
  const phone = await request.post('/api/auth/login', {
    headers: { 'user-agent': IPHONE },
    data: { username: account.username, password: account.password },
  })
  const phoneToken = ((await phone.json()) as { access_token: string }).access_token
  await settingsPage.open()

  await expect(settingsPage.sessions.getByRole('listitem')).toHaveCount(2)
  await expect(settingsPage.sessions).toContainText('Mobile Safari 17 on Apple iPhone (iOS 17.1)')
  await expect(settingsPage.sessions).toContainText(/Chrome \d+ on \w+/)
  await expect(settingsPage.sessions).not.toContainText('Mozilla/5.0')

  const secret = await settingsPage.createApiKey('ci job')
  await settingsPage.closeKeyDialog()
  const revokeKey = settingsPage.apiKeys.getByRole('button', { name: 'Revoke API key ci job' })
  await revokeKey.click()
  const confirmKey = settingsPage.apiKeys.getByRole('group', { name: /^Revoke “ci job”\?/ })
  await confirmKey.getByRole('button', { name: 'Cancel' }).click()
  await expect(revokeKey).toBeFocused()
  expect((await request.get('/api/users/me', { headers: bearer(secret) })).status()).toBe(200)
  await revokeKey.click()
  await confirmKey.getByRole('button', { name: 'Revoke' }).click()
  await expect(settingsPage.apiKeys.getByText('ci job')).toHaveCount(0)
  expect((await request.get('/api/users/me', { headers: bearer(secret) })).status()).toBe(401)

  await page.getByRole('button', { name: 'Sign out other sessions' }).click()
  await page
    .getByRole('group', { name: 'Sign out the other session?' })
    .getByRole('button', { name: 'Sign out' })
    .click()
  await expect(page.getByRole('status').filter({ hasText: 'Signed out 1 other session.' })).toBeVisible()
  await expect(settingsPage.sessions.getByRole('listitem')).toHaveCount(1)
  await expect(settingsPage.sessions.getByText('This device')).toBeVisible()
  expect((await request.get('/api/users/me', { headers: bearer(phoneToken) })).status()).toBe(401)
  await expect(page.getByRole('button', { name: 'Sign out other sessions' })).toHaveCount(0)
})

test('operators: deactivating a user asks first and can be undone at once', async ({
  page,
  request,
  account,
  authPage,
  operatorPages,
}) => {
  expect((await request.post('/api/users/', { data: account })).status()).toBe(200)
  await authPage.signIn(ADMIN)
  await operatorPages.openUsers()
  await page.getByRole('searchbox', { name: 'Search users' }).fill(account.username)
  const row = page.getByRole('row').filter({ hasText: account.email })
  await expect(row).toHaveCount(1)

  await row.getByRole('button', { name: `Deactivate ${account.username}` }).click()
  await row
    .getByRole('group', { name: `Deactivate ${account.username}? They are signed out everywhere at once.` })
    .getByRole('button', { name: 'Deactivate' })
    .click()
  await expect(row).toContainText('Deactivated')
  const login = () =>
    request.post('/api/auth/login', { data: { username: account.username, password: account.password } })
  expect((await login()).status()).not.toBe(200)

  await row.getByRole('button', { name: `Undo: reactivate ${account.username}` }).click()
  await expect(row.getByRole('button', { name: `Deactivate ${account.username}` })).toBeVisible()
  expect(await apiLogin(request, account.username, account.password)).toBeTruthy()
})
