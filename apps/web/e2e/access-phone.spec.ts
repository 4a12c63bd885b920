import { ADMIN, expect, test } from './fixtures.ts'

// The phone of the measurements (this file runs in the `phone` project: touch, mobile user agent).
test.use({ viewport: { width: 390, height: 844 } })

test('on a phone the drawer takes focus, keeps it while open, and gives it back when closed', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  const menu = page.getByRole('button', { name: 'Open conversations' })
  await menu.click()
  await expect(chatPage.sidebar).toBeVisible()
  await expect(chatPage.sidebar.getByRole('link', { name: '+ New chat' })).toBeFocused()

  // The page behind is inert: Tab and Shift+Tab stay in the drawer.
  const inDrawer = () => page.evaluate(() => document.getElementById('sidebar')!.contains(document.activeElement))
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key)
    expect(await inDrawer()).toBe(true)
  }
  await expect(page.locator('.chat-main')).toHaveAttribute('inert', '')

  await page.keyboard.press('Escape')
  await expect(chatPage.sidebar).toBeHidden()
  await expect(menu).toBeFocused()
  await expect(page.locator('.chat-main')).not.toHaveAttribute('inert', '')
})

/** Visible controls smaller than 44 × 44 CSS px (a checkbox counts with its label; links inside sentences are exempt). */
function smallTargets() {
  const controls = document.querySelectorAll<HTMLElement>(
    'button, a[href], input, select, textarea, summary, [role="button"], [tabindex="0"]',
  )
  const small: string[] = []
  for (const control of Array.from(controls)) {
    if (!control.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue
    if (control.closest('[inert]') || control.classList.contains('skip-link')) continue
    if (control.tagName === 'A' && control.closest('p, li.inline, .message-text')) continue
    const target =
      control instanceof HTMLInputElement && ['checkbox', 'radio'].includes(control.type)
        ? (control.closest('label') ?? control)
        : control
    const box = target.getBoundingClientRect()
    if (box.width === 0 && box.height === 0) continue
    // Layout sizes are whole 64ths of a pixel; a box moving under a transform (the drawer sliding in) reports
    // float noise such as 43.99998, so sizes are compared at layout precision.
    const width = Math.round(box.width * 64) / 64
    const height = Math.round(box.height * 64) / 64
    if (width < 44 || height < 44)
      small.push(
        `${control.tagName.toLowerCase()} “${(control.getAttribute('aria-label') ?? control.textContent ?? '').trim().slice(0, 30)}” ${width}×${height}`,
      )
  }
  return small
}

test('touch targets are at least 44 px on the chat, settings and operators’ screens', async ({
  page,
  authPage,
  chatPage,
}) => {
  await authPage.signIn(ADMIN)
  expect(await page.evaluate(smallTargets)).toEqual([])
  await page.getByRole('button', { name: 'Open conversations' }).click()
  await expect(chatPage.sidebar).toBeVisible()
  expect(await page.evaluate(smallTargets)).toEqual([])
  await page.keyboard.press('Escape')

  for (const [path, heading] of [
    ['/settings', 'Settings'],
    ['/admin/users', 'Users'],
    ['/admin/analytics', 'Dashboard'],
  ] as const) {
    await page.goto(path)
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible()
    expect(await page.evaluate(smallTargets), path).toEqual([])
  }
})

test('admin tables fit a phone: the page never scrolls sideways, the table does, with its first column in view', async ({
  page,
  authPage,
}) => {
  await authPage.signIn(ADMIN)
  await page.goto('/admin/users')
  const table = page.getByRole('region', { name: 'Users' })
  await expect(table.getByRole('row').nth(1)).toBeVisible()
  const pageScroller = page.locator('main.page')
  expect(await pageScroller.evaluate((main) => main.scrollWidth <= main.clientWidth)).toBe(true)
  expect(await table.evaluate((region) => region.scrollWidth > region.clientWidth)).toBe(true)

  const firstCell = table.getByRole('cell').first()
  const before = (await firstCell.boundingBox())!
  await table.focus()
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  await expect.poll(() => table.evaluate((region) => region.scrollLeft)).toBeGreaterThan(0)
  const after = (await firstCell.boundingBox())!
  expect(Math.abs(after.x - before.x)).toBeLessThan(1)
  await expect(firstCell).toBeInViewport()
})
