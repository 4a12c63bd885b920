import { expect, test } from './fixtures.ts'

test('what failed to load says why, and loads on Try again once the server answers', async ({
  page,
  account,
  authPage,
  settingsPage,
}) => {
  // From the start: the message box reads the prompts too, and Settings would find them cached.
  let refused = true
  await page.route('**/api/users/me/prompts', (route) =>
    refused ? route.abort('connectionrefused') : route.continue(),
  )
  await authPage.register(account)
  await settingsPage.open()
  const prompts = page.getByRole('region', { name: 'Prompts' })
  const alert = prompts.getByRole('alert')
  // The app retries a read twice by itself (1 s, then 2 s) before it says so.
  await expect(alert).toHaveText('Could not load your prompts. The server could not be reached. Try again', {
    timeout: 15_000,
  })

  refused = false
  await alert.getByRole('button', { name: 'Try again' }).click()
  await expect(alert).toHaveCount(0)
  await expect(
    prompts.getByText('No prompt yet.').or(prompts.getByRole('list', { name: 'Saved prompts' })),
  ).toBeVisible()
})
