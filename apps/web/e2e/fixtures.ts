import { randomUUID } from 'node:crypto'
import { test as base, expect } from '@playwright/test'
import { ArchivedChatsPage } from './pages/archived-chats-page.ts'
import { AuthPage } from './pages/auth-page.ts'
import { ChatPage } from './pages/chat-page.ts'
import { OperatorPages } from './pages/operator-pages.ts'
import { SettingsPage } from './pages/settings-page.ts'

export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname

/** The first admin, created by the server from the e2e env (playwright.config.ts). */
export const ADMIN = { username: 'admin', password: 'correct-horse-battery-e2e' }

export interface Account {
  username: string
  email: string
  password: string
}

/** A fresh account per test, so specs never share conversations. */
export const test = base.extend<{
  account: Account
  authPage: AuthPage
  chatPage: ChatPage
  settingsPage: SettingsPage
  archivedChatsPage: ArchivedChatsPage
  operatorPages: OperatorPages
}>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
  account: async ({}, use) => {
    const id = randomUUID().slice(0, 8)
    await use({ username: `e2e_${id}`, email: `e2e_${id}@example.com`, password: `Tr0ubadour-${id}-staple` })
  },
  authPage: async ({ page }, use) => use(new AuthPage(page)),
  chatPage: async ({ page }, use) => use(new ChatPage(page)),
  settingsPage: async ({ page }, use) => use(new SettingsPage(page)),
  archivedChatsPage: async ({ page }, use) => use(new ArchivedChatsPage(page)),
  operatorPages: async ({ page }, use) => use(new OperatorPages(page)),
})

export { expect }
