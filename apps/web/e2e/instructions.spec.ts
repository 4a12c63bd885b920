import { randomUUID } from 'node:crypto'
import { ARTIFACTS, expect, test } from './fixtures.ts'
import { fakeModelRequestFor, textOf } from './support/fake-model.ts'

test('custom instructions set in Settings survive a reload and reach the model in every new conversation', async ({
  page,
  request,
  account,
  authPage,
  settingsPage,
  chatPage,
}) => {
  const marker = randomUUID().slice(0, 8)
  const instructions = `I keep bees (${marker}). Answer in one sentence.`
  await authPage.register(account)
  await settingsPage.open()
  const field = page.getByLabel('What should the assistant know about you, and how should it reply?')
  await field.fill(instructions)
  await expect(page.getByText(`${instructions.length} of 4,000 characters`)).toBeVisible()
  await page.getByRole('button', { name: 'Save instructions' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible()
  await page.screenshot({ path: `${ARTIFACTS}custom-instructions.png` })

  await page.reload()
  await expect(field).toHaveValue(instructions)

  await page.goto('/')
  await chatPage.pickModel('fast')
  const question = `When do bees swarm? ${marker}`
  await chatPage.send(question)
  await expect(chatPage.replies().last()).toHaveAttribute('data-status', 'complete')
  const received = await fakeModelRequestFor(request, question)
  expect(received.messages[0]).toMatchObject({ role: 'system' })
  expect(textOf(received.messages[0]!.content)).toContain(instructions)
})
