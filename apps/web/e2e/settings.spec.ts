import { ARTIFACTS, expect, test } from './fixtures.ts'
import { apiLogin, bearer } from './support/api.ts'

test('settings: an API key is shown once and works; another session is revoked', async ({
  page,
  request,
  account,
  authPage,
  settingsPage,
}) => {
  await authPage.register(account)
  const otherToken = await apiLogin(request, account.username, account.password)
  await settingsPage.open()

  const secret = await settingsPage.createApiKey('e2e script')
  expect(secret).toMatch(/^pk_/)
  await page.screenshot({ path: `${ARTIFACTS}api-key-created.png` })
  await settingsPage.closeKeyDialog()
  await expect(settingsPage.apiKeys.getByText('e2e script')).toBeVisible()
  expect(await page.locator('body').textContent()).not.toContain(secret)
  expect((await request.get('/api/users/me', { headers: bearer(secret) })).status()).toBe(200)

  await expect(settingsPage.sessions.getByRole('listitem')).toHaveCount(2)
  const other = settingsPage.sessions.getByRole('listitem').filter({ hasNot: page.getByText('This device') })
  await page.setViewportSize({ width: 1280, height: 1300 })
  await page.locator('.page').evaluate((element) => element.scrollTo(0, 0))
  await page.screenshot({ path: `${ARTIFACTS}settings.png` })
  await other.getByRole('button', { name: /^Revoke/ }).click()
  await other
    .getByRole('group', { name: /^Sign out / })
    .getByRole('button', { name: 'Revoke' })
    .click()
  await expect(settingsPage.sessions.getByRole('listitem')).toHaveCount(1)
  await expect(settingsPage.sessions.getByText('This device')).toBeVisible()
  expect((await request.get('/api/users/me', { headers: bearer(otherToken) })).status()).toBe(401)
})

test('a dialog keeps keyboard focus until it closes, then gives it back', async ({
  page,
  account,
  authPage,
  settingsPage,
}) => {
  await authPage.register(account)
  await settingsPage.open()
  await settingsPage.createApiKey('focus check')
  const dialog = page.getByRole('dialog', { name: 'API key “focus check” created' })
  await expect(dialog).toBeVisible()
  // Tab and Shift+Tab go round the dialog's controls; the page behind never takes focus.
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key)
    expect(await dialog.evaluate((element) => element.contains(document.activeElement)), key).toBe(true)
  }
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Create key' })).toBeFocused()
})
