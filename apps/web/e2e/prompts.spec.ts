import { randomUUID } from 'node:crypto'
import { ADMIN, ARTIFACTS, expect, test } from './fixtures.ts'

test('a prompt saved in Settings comes back in the message box by typing "/" and its name', async ({
  page,
  account,
  authPage,
  settingsPage,
  chatPage,
}) => {
  const text = `Summarise our conversation in three bullet points (${randomUUID().slice(0, 8)}).`
  await authPage.register(account)
  await settingsPage.open()
  const prompts = page.getByRole('region', { name: 'Prompts' })
  await prompts.getByRole('button', { name: 'New prompt' }).click()
  await prompts.getByLabel('Name').fill('Has Space')
  await prompts.getByLabel('Text').fill(text)
  await prompts.getByRole('button', { name: 'Save prompt' }).click()
  await expect(prompts.getByText(/Name must be 1–32 lower-case letters/)).toBeVisible()
  // A leading "/" is what one types in the message box, and is not part of the name.
  await prompts.getByLabel('Name').fill('/tldr')
  await prompts.getByRole('button', { name: 'Save prompt' }).click()
  const saved = prompts.getByRole('list', { name: 'Saved prompts' })
  await expect(saved.getByRole('listitem')).toHaveCount(1)
  await expect(saved).toContainText('/tldr')

  await page.goto('/')
  await chatPage.pickModel('fast')
  await chatPage.composer.pressSequentially('/tl')
  const suggestions = page.getByRole('listbox', { name: 'Saved prompts' })
  await expect(suggestions.getByRole('option', { name: /\/tldr/ })).toHaveAttribute('aria-selected', 'true')
  await page.screenshot({ path: `${ARTIFACTS}prompt-suggestions.png` })
  await chatPage.composer.press('Enter')
  await expect(chatPage.composer).toHaveValue(text)
  await expect(suggestions).toHaveCount(0)
  await chatPage.composer.press('Enter')
  await expect(chatPage.userMessage(text)).toBeVisible()
  await expect(chatPage.replies().last()).toHaveAttribute('data-status', 'complete')
})

test('a prompt an admin offers to everyone reaches every account’s message box, for them to use only', async ({
  page,
  account,
  authPage,
  settingsPage,
  chatPage,
}) => {
  const name = `team-${randomUUID().slice(0, 6)}`
  await authPage.signIn(ADMIN)
  await settingsPage.open()
  const prompts = page.getByRole('region', { name: 'Prompts' })
  await prompts.getByRole('button', { name: 'New prompt' }).click()
  await prompts.getByLabel('Name').fill(name)
  await prompts.getByLabel('Text').fill('Answer in our house style: short sentences, no jargon.')
  await prompts.getByLabel('Offer it to everyone').check()
  await prompts.getByRole('button', { name: 'Save prompt' }).click()
  await expect(prompts.getByRole('listitem').filter({ hasText: `/${name}` })).toContainText('Shared with everyone')
  await authPage.signOut()

  await authPage.register(account)
  await chatPage.composer.pressSequentially(`/${name}`)
  const option = page.getByRole('listbox', { name: 'Saved prompts' }).getByRole('option', { name: new RegExp(name) })
  await expect(option).toContainText('Shared')
  await chatPage.composer.press('Enter')
  await expect(chatPage.composer).toHaveValue('Answer in our house style: short sentences, no jargon.')

  await settingsPage.open()
  const item = page
    .getByRole('region', { name: 'Prompts' })
    .getByRole('listitem')
    .filter({ hasText: `/${name}` })
  await expect(item).toContainText('Shared with everyone')
  await expect(item.getByRole('button', { name: `Edit /${name}` })).toHaveCount(0)
})

test.describe('in a browser set to British English', () => {
  test.use({ locale: 'en-GB' })

  test('a prompt’s blanks are asked for above the message box, and {{date}} becomes today’s date', async ({
    page,
    account,
    authPage,
    settingsPage,
    chatPage,
  }) => {
    await authPage.register(account)
    await settingsPage.open()
    const prompts = page.getByRole('region', { name: 'Prompts' })
    await prompts.getByRole('button', { name: 'New prompt' }).click()
    await expect(
      prompts.getByText(
        'Write {{name}} for a blank to fill in when you use the prompt; {{date}}, {{time}} and {{user}} are filled in for you.',
      ),
    ).toBeVisible()
    await prompts.getByLabel('Name').fill('brief')
    await prompts.getByLabel('Text').fill('As of {{date}}, explain {{topic}} in one paragraph; {{ topic }} only.')
    await prompts.getByRole('button', { name: 'Save prompt' }).click()
    await expect(prompts.getByRole('list', { name: 'Saved prompts' })).toContainText('/brief')

    await page.goto('/')
    await chatPage.choosePrompt('brief')
    const form = page.getByRole('form', { name: '/brief' })
    const topic = form.getByRole('textbox', { name: 'topic' })
    await expect(topic).toBeFocused()
    // One field: the same blank twice is asked once, and the date is not asked.
    await expect(form.getByRole('textbox')).toHaveCount(1)
    await expect(chatPage.composer).toHaveValue('/brief')
    await page.screenshot({ path: `${ARTIFACTS}prompt-blanks.png` })
    await topic.fill('tides')
    await topic.press('Enter')
    const today = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long' }).format(new Date())
    await expect(chatPage.composer).toHaveValue(`As of ${today}, explain tides in one paragraph; tides only.`)
    await expect(chatPage.composer).toBeFocused()
    await expect(form).toHaveCount(0)

    // Esc gives up: the box keeps what was typed.
    await chatPage.composer.clear()
    await chatPage.choosePrompt('brief')
    await expect(topic).toBeFocused()
    await topic.fill('never used')
    await topic.press('Escape')
    await expect(form).toHaveCount(0)
    await expect(chatPage.composer).toHaveValue('/brief')
    await expect(chatPage.composer).toBeFocused()
  })
})
