import { AxeBuilder } from '@axe-core/playwright'
import type { Locator, Page } from '@playwright/test'
import { ADMIN, expect, test } from './fixtures.ts'
import { ChatPage } from './pages/chat-page.ts'
import { SettingsPage } from './pages/settings-page.ts'
import { apiLogin, bearer } from './support/api.ts'
import { hiddenOnlyConversation } from './support/chatgpt-export.ts'
import { createConversation, seedTurns } from './support/seed.ts'

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const
const THEMES = ['light', 'dark'] as const

interface Screen {
  name: string
  path: string
  /** Shown once the screen has rendered what it shows. */
  ready: (page: Page) => Locator
  /** Opens something over the screen first (a dialog, the drawer). */
  open?: (page: Page) => Promise<void>
}

const heading = (name: string) => (page: Page) => page.getByRole('heading', { name, level: 1 })

function signedOut(shareId: string): Screen[] {
  return [
    { name: 'sign in', path: '/sign-in', ready: heading('Sign in') },
    { name: 'register', path: '/register', ready: heading('Create your account') },
    {
      name: 'shared conversation',
      path: `/s/${shareId}`,
      ready: (page) => page.getByRole('article', { name: 'Reply' }).last(),
    },
  ]
}

function signedIn(conversationId: string, archivedId: string, temporaryId: string): Screen[] {
  return [
    { name: 'new chat', path: '/', ready: heading('New chat') },
    {
      name: 'conversation',
      path: `/c/${conversationId}`,
      ready: (page) => page.getByRole('article', { name: 'Reply' }).last(),
    },
    {
      name: 'share dialog',
      path: `/c/${conversationId}`,
      ready: (page) => page.getByRole('list', { name: 'Shared links' }),
      open: (page) => page.getByRole('button', { name: 'Share' }).click(),
    },
    {
      name: 'prompt suggestions',
      path: '/',
      ready: (page) => page.getByRole('listbox', { name: 'Saved prompts' }),
      open: (page) => page.getByRole('textbox', { name: 'Message' }).pressSequentially('/'),
    },
    {
      name: 'prompt blanks',
      path: '/',
      ready: (page) => page.getByRole('form', { name: '/axe-blanks' }),
      open: (page) => new ChatPage(page).choosePrompt('axe-blanks'),
    },
    {
      name: 'shortcuts help',
      path: '/',
      ready: (page) => page.getByRole('dialog', { name: 'Keyboard shortcuts' }),
      open: (page) => page.getByRole('button', { name: 'Keyboard shortcuts' }).click(),
    },
    {
      // The danger button's colours, in both themes.
      name: 'delete confirmation',
      path: '/',
      ready: (page) => page.getByRole('group', { name: 'Delete “Checked by axe”?' }).first(),
      open: async (page) => {
        await expect(heading('New chat')(page)).toBeVisible()
        const menu = page.getByRole('button', { name: 'Open conversations' })
        if (await menu.isVisible()) await menu.click()
        await page.getByRole('button', { name: 'Delete “Checked by axe”' }).first().click()
      },
    },
    {
      // A search result's excerpt and its marked words, on the open conversation's row (its own background).
      name: 'conversation search',
      path: `/c/${conversationId}`,
      ready: (page) => new ChatPage(page).sidebar.locator('mark').first(),
      open: async (page) => {
        await expect(page.getByRole('article', { name: 'Reply' }).last()).toBeVisible()
        const menu = page.getByRole('button', { name: 'Open conversations' })
        if (await menu.isVisible()) await menu.click()
        await new ChatPage(page).search('seeded')
      },
    },
    {
      name: 'archived conversation',
      path: `/c/${archivedId}`,
      ready: (page) => page.getByRole('complementary', { name: 'Archived' }),
    },
    {
      name: 'temporary conversation',
      path: `/c/${temporaryId}`,
      ready: (page) => page.getByRole('complementary', { name: 'Temporary chat' }),
    },
    {
      name: 'archived chats',
      path: '/archived',
      ready: (page) => page.getByRole('list', { name: 'Archived chats' }).getByRole('listitem').first(),
    },
    {
      name: 'archived chats search',
      path: '/archived',
      ready: (page) => page.getByRole('list', { name: 'Archived chats' }).locator('mark').first(),
      open: (page) => page.getByRole('searchbox', { name: 'Search archived chats' }).fill('seeded'),
    },
    { name: 'settings', path: '/settings', ready: (page) => page.getByRole('list', { name: 'Sessions' }) },
    {
      // The import report; the file's one conversation has nothing to import, so the account gains none.
      name: 'settings import report',
      path: '/settings',
      ready: (page) => page.getByRole('region', { name: 'Import conversations' }).getByText('1 was left out:'),
      open: (page) =>
        new SettingsPage(page).importConversations('conversations.json', [hiddenOnlyConversation('Left out for axe')]),
    },
    { name: 'dashboard', path: '/admin/analytics', ready: (page) => page.locator('.metric-card').first() },
    { name: 'users', path: '/admin/users', ready: (page) => page.getByRole('region', { name: 'Users' }) },
    {
      name: 'new user dialog',
      path: '/admin/users',
      ready: (page) => page.getByRole('dialog', { name: 'New user' }),
      open: (page) => page.getByRole('button', { name: 'New user' }).click(),
    },
    {
      name: 'invite dialog',
      path: '/admin/users',
      ready: (page) => page.getByRole('dialog', { name: 'Invite someone' }),
      open: (page) => page.getByRole('button', { name: 'Invite' }).click(),
    },
    { name: 'flags', path: '/admin/flags', ready: heading('Flagged messages') },
    { name: 'widgets', path: '/admin/widgets', ready: heading('Widgets') },
    { name: 'guest sessions', path: '/admin/guest-sessions', ready: heading('Guest sessions') },
    { name: 'notifications', path: '/admin/notifications', ready: heading('Notifications') },
    { name: 'models', path: '/admin/models', ready: (page) => page.getByRole('list', { name: 'Model catalogue' }) },
    { name: 'page not found', path: '/no-such-page', ready: heading('Page not found') },
  ]
}

const DRAWER: Screen = {
  name: 'conversations drawer',
  path: '/',
  ready: (page) => page.getByRole('navigation', { name: 'Conversations' }),
  open: (page) => page.getByRole('button', { name: 'Open conversations' }).click(),
}

/** Critical and serious violations of WCAG 2.1 A/AA on the page as it is, one line each. */
async function violations(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return result.violations
    .filter((violation) => violation.impact === 'critical' || violation.impact === 'serious')
    .map(
      (violation) =>
        `${where}: ${violation.id} (${violation.impact}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    )
}

/** `drawer`: the screens are a signed-in user's, whose phone layout has the conversations drawer. */
async function check(page: Page, screens: Screen[], found: string[], drawer: boolean) {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height })
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' })
      const list = size.name === 'phone' && drawer ? [...screens, DRAWER] : screens
      for (const screen of list) {
        await page.goto(screen.path)
        await screen.open?.(page)
        await expect(screen.ready(page)).toBeVisible()
        found.push(...(await violations(page, `${screen.name}, ${size.name}, ${theme}`)))
      }
    }
  }
}

test('no critical or serious axe violations on any screen, in both themes, on desktop and phone', async ({
  page,
  browser,
  request,
  authPage,
}) => {
  test.setTimeout(600_000)
  const found: string[] = []

  const token = await apiLogin(request, ADMIN.username, ADMIN.password)
  const conversation = await createConversation(request, token, { title: 'Checked by axe' })
  await seedTurns(request, token, conversation, 2)
  const shared = await request.post(`/api/conversations/${conversation}/shares`, { headers: bearer(token) })
  const shareId = ((await shared.json()) as { id: string }).id
  const archived = await createConversation(request, token, { title: 'Archived for axe' })
  // A message for its search to find (sent before archiving: a message unarchives).
  await seedTurns(request, token, archived, 1)
  await request.patch(`/api/conversations/${archived}`, { headers: bearer(token), data: { archived: true } })
  const temporary = await createConversation(request, token, { title: 'Temporary for axe', temporary: true })
  // Saved prompts: Settings lists them, "/" in the message box offers them, and the one with a blank asks for it
  // (a second run finds them there: 409).
  for (const prompt of [
    { name: 'axe', content: 'Check this page for accessibility problems.' },
    { name: 'axe-blanks', content: 'Check {{page}} for accessibility problems.' },
  ]) {
    await request.post('/api/users/me/prompts', { headers: bearer(token), data: prompt })
  }

  const visitor = await browser.newContext()
  await check(await visitor.newPage(), signedOut(shareId), found, false)
  await visitor.close()
  await authPage.signIn(ADMIN)
  await check(page, signedIn(conversation, archived, temporary), found, true)

  expect(found).toEqual([])
})
