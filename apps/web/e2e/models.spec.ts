import { AxeBuilder } from '@axe-core/playwright'
import { ADMIN, expect, test } from './fixtures.ts'
import { ModelsPage } from './pages/models-page.ts'
import { apiLogin, bearer } from './support/api.ts'

// The runner's config hands the stand-in hub's port to its workers through the environment.
// eslint-disable-next-line no-restricted-syntax
const HUB = `http://127.0.0.1:${process.env.PARLEY_E2E_HUB_PORT}`
const TINY = 'E2E tiny model'

test('an admin tests a model, downloads a catalogue model with progress and makes it the default', async ({
  page,
  request,
  authPage,
  chatPage,
}) => {
  const models = new ModelsPage(page)
  await authPage.signIn(ADMIN)
  try {
    await models.open()
    const local = models.model('Built-in local model')
    await expect(local).toContainText('default')
    await local.getByRole('button', { name: 'Test' }).click()
    // A real call through the embedded runtime (the demo model answers).
    await expect(local.getByRole('status')).toContainText(/Answered in .*Parley is running/)
    await expect(local).toContainText('working')

    const entry = models.catalogueEntry(TINY)
    await expect(entry).toContainText('Not downloaded')
    await entry.getByRole('button', { name: 'Download' }).click()
    // The stand-in hub holds the file at half until released: the bar shows the bytes so far.
    const bar = entry.getByRole('progressbar', { name: `Downloading ${TINY}` })
    await expect(bar).toHaveAttribute('value', String(2 * 1024 * 1024))
    await expect(entry).toContainText('2.1 MB of 4.2 MB')
    // The download runs in the server: a reload finds it where it was.
    await page.reload()
    await expect(bar).toHaveAttribute('value', String(2 * 1024 * 1024))
    expect((await request.post(`${HUB}/release`)).status()).toBe(200)
    await expect(entry).toContainText('Downloaded and verified')
    await expect(bar).toHaveCount(0)

    await entry.getByRole('button', { name: 'Use as default' }).click()
    await expect(entry.getByRole('button', { name: 'Use as default' })).toHaveCount(0)
    await expect(models.model(TINY).getByRole('button', { name: 'Use as default' })).toHaveCount(0)
    await expect(models.model(TINY)).toContainText('downloaded here')
    await expect(local.getByRole('button', { name: 'Use as default' })).toBeVisible()

    // No restart: a new chat starts on the new default.
    await page.goto('/')
    await expect(chatPage.modelPicker).toHaveValue('e2e-tiny')
    await chatPage.send('Which model answers?')
    // The stand-in file is no real model (no weights can ship here): the embedded runtime refuses to load it,
    // and the reply fails with that reason instead of another model answering in its place.
    await expect(chatPage.replies().last()).toHaveAttribute('data-status', 'failed')
    await models.open()
    await expect(models.model(TINY)).toContainText('failing')
    await expect(models.model(TINY)).toContainText(/Last error .*Cannot load the local model/)
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      const results = await new AxeBuilder({ page }).analyze()
      const serious = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
      expect(serious, `${scheme}: ${JSON.stringify(serious, null, 2)}`).toEqual([])
    }
  } finally {
    // Later specs expect the embedded demo model as the default.
    const token = await apiLogin(request, ADMIN.username, ADMIN.password)
    const restored = await request.put('/api/admin/models/default', { headers: bearer(token), data: { id: 'local' } })
    expect(restored.status()).toBe(200)
  }
})

test('the Models screen is for admins only', async ({ page, request, account, authPage }) => {
  await authPage.register(account)
  await expect(page.getByRole('link', { name: 'Models', exact: true })).toHaveCount(0)
  await page.goto('/admin/models')
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible()
  const token = await apiLogin(request, account.username, account.password)
  expect((await request.get('/api/admin/models', { headers: bearer(token) })).status()).toBe(403)
})
