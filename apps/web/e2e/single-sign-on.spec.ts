import { randomUUID } from 'node:crypto'
import { ARTIFACTS, expect, test } from './fixtures.ts'

// The server is configured with the test identity provider (apps/server/test/identity-provider.ts) in
// playwright.config.ts; its sign-in form takes any e-mail address.

test('single sign-on: a new person signs in through the identity provider, stays signed in, and signs out at both', async ({
  page,
}) => {
  const email = `sso_${randomUUID().slice(0, 8)}@corp.example`
  await page.goto('/sign-in')
  await expect(page.getByRole('link', { name: 'Sign in with Company login' })).toBeVisible()
  await page.screenshot({ path: `${ARTIFACTS}sign-in-single-sign-on.png` })
  await page.getByRole('link', { name: 'Sign in with Company login' }).click()

  await expect(page.getByRole('heading', { name: 'Test identity provider' })).toBeVisible()
  await page.getByLabel('E-mail').fill(email)
  await page.getByRole('button', { name: 'Continue' }).click()

  await expect(page.getByRole('heading', { name: 'New chat' })).toBeVisible()
  await expect(page).toHaveURL(/\/$/)
  await page.goto('/settings')
  await expect(page.getByLabel('E-mail')).toHaveValue(email)
  // No password to change: the account signs in through the provider only.
  await expect(page.getByText('this account has no password here')).toBeVisible()
  await expect(page.getByLabel('Current password')).toHaveCount(0)

  await page.reload()
  await expect(page.getByLabel('E-mail')).toHaveValue(email)

  // Signing out (PARLEY_OIDC_SIGN_OUT=provider) ends the provider's session too, which then asks again.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Sign out of the test identity provider?' })).toBeVisible()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  await expect(page).toHaveURL(/\/sign-in$/)
  await page.getByRole('link', { name: 'Sign in with Company login' }).click()
  await expect(page.getByRole('heading', { name: 'Test identity provider' })).toBeVisible()
})

test('single sign-on: an unverified address of an existing account is refused, with the reason', async ({
  page,
  account,
  authPage,
}) => {
  await authPage.register(account)
  await authPage.signOut()

  await page.getByRole('link', { name: 'Sign in with Company login' }).click()
  await page.getByLabel('E-mail').fill(account.email)
  await page.getByLabel('Verified').uncheck()
  await page.getByRole('button', { name: 'Continue' }).click()

  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  await expect(page.getByRole('alert')).toHaveText(/already has that e-mail address/)
  await page.screenshot({ path: `${ARTIFACTS}sign-in-single-sign-on-refused.png` })
  // Nobody is signed in: the app still asks for a password.
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
})
