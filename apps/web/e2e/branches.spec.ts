import { AxeBuilder } from '@axe-core/playwright'
import { expect, test } from './fixtures.ts'

test('edit an earlier turn, switch between its versions, and keep the chosen one over a reload', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.send('First question')
  await chatPage.waitForReply()
  await chatPage.send('Second question')
  await expect(chatPage.replies()).toHaveCount(2)
  await chatPage.waitForReply()

  await chatPage.userMessage('First question').getByRole('button', { name: 'Edit' }).click()
  await page.getByRole('textbox', { name: 'Edit message' }).fill('Rephrased question')
  await page.getByRole('button', { name: 'Save and resend' }).click()
  const edited = chatPage.userMessage('Rephrased question')
  await expect(edited.getByRole('group', { name: 'Versions' })).toContainText('2/2')
  await chatPage.waitForReply()
  await expect(chatPage.userMessage('Second question')).toHaveCount(0)
  await expect(chatPage.replies()).toHaveCount(1)

  // The first version comes back with everything that followed it.
  await edited.getByRole('button', { name: 'Previous version' }).click()
  const original = chatPage.userMessage('First question')
  await expect(original.getByRole('group', { name: 'Versions' })).toContainText('1/2')
  const axe = await new AxeBuilder({ page }).include('.branch-switcher').analyze()
  expect(axe.violations.filter((violation) => ['critical', 'serious'].includes(violation.impact ?? ''))).toEqual([])
  await expect(chatPage.userMessage('Second question')).toBeVisible()
  await expect(chatPage.replies()).toHaveCount(2)
  await expect(chatPage.userMessage('Rephrased question')).toHaveCount(0)

  await page.reload()
  await expect(chatPage.userMessage('Second question')).toBeVisible()
  await expect(chatPage.userMessage('First question').getByRole('group', { name: 'Versions' })).toContainText('1/2')
  await expect(chatPage.userMessage('Rephrased question')).toHaveCount(0)

  await chatPage.userMessage('First question').getByRole('button', { name: 'Next version' }).click()
  await expect(chatPage.userMessage('Rephrased question')).toBeVisible()
  await expect(chatPage.userMessage('Second question')).toHaveCount(0)
})

test('regenerate an earlier reply and go back to the old one', async ({ page, account, authPage, chatPage }) => {
  await authPage.register(account)
  await chatPage.send('Question one')
  await chatPage.waitForReply()
  await chatPage.send('Question two')
  await expect(chatPage.replies()).toHaveCount(2)
  await chatPage.waitForReply()

  await chatPage.replies().first().getByRole('button', { name: 'Regenerate' }).click()
  await expect(chatPage.userMessage('Question two')).toHaveCount(0)
  const regenerated = await chatPage.waitForReply()
  await expect(regenerated.getByRole('group', { name: 'Versions' })).toContainText('2/2')
  await regenerated.getByRole('button', { name: 'Previous version' }).click()
  await expect(chatPage.userMessage('Question two')).toBeVisible()
  await expect(chatPage.replies().first().getByRole('group', { name: 'Versions' })).toContainText('1/2')
  await page.reload()
  await expect(chatPage.userMessage('Question two')).toBeVisible()
})

test('continue a stopped reply: it goes on in the same message and is kept', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.pickModel('slow')
  await chatPage.send('Count slowly')
  const reply = chatPage.replies().last()
  await expect(reply).toContainText('word3')
  await page.getByRole('button', { name: 'Stop' }).click()
  await expect(reply).toHaveAttribute('data-status', 'stopped')
  const words = async () => (await reply.textContent())?.match(/word\d+/g) ?? []
  const stopped = await words()
  expect(stopped.length).toBeGreaterThanOrEqual(3)

  // The slow model streams its thirty words again, after the text that was already there.
  await reply.getByRole('button', { name: 'Continue' }).click()
  await expect(reply).toHaveAttribute('data-status', 'complete')
  const continued = await words()
  expect(continued.slice(0, stopped.length)).toEqual(stopped)
  expect(continued).toHaveLength(stopped.length + 30)
  await expect(chatPage.replies()).toHaveCount(1)
  await expect(reply.getByRole('button', { name: 'Continue' })).toHaveCount(0)

  await page.reload()
  await expect(chatPage.replies().last()).toHaveAttribute('data-status', 'complete')
  expect((await chatPage.replies().last().textContent())?.match(/word\d+/g)).toEqual(continued)
})

test('a reply the model cut off at its length limit says so, and Continue finishes it', async ({
  page,
  account,
  authPage,
  chatPage,
}) => {
  await authPage.register(account)
  await chatPage.pickModel('echo')
  await chatPage.send('Write to the limit')
  const reply = chatPage.replies().last()
  await expect(reply).toHaveAttribute('data-status', 'complete')
  await expect(reply).toContainText('Cut off: the reply reached its length limit.')

  await reply.getByRole('button', { name: 'Continue' }).click()
  await expect(reply).not.toContainText('Cut off')
  await expect(reply).toContainText('Write to the limitWrite to the limit')
  await expect(reply.getByRole('button', { name: 'Continue' })).toHaveCount(0)
  await expect(chatPage.replies()).toHaveCount(1)

  await page.reload()
  await expect(chatPage.replies().last()).toContainText('Write to the limitWrite to the limit')
  await expect(chatPage.replies().last()).not.toContainText('Cut off')
})
