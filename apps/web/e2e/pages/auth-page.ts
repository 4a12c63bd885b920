import { type Page, expect } from '@playwright/test'
import type { Account } from '../fixtures.ts'

/** The sign-in and register screens. */
export class AuthPage {
  constructor(readonly page: Page) {}

  async register(account: Account) {
    await this.page.goto('/register')
    await this.page.getByLabel('Username').fill(account.username)
    await this.page.getByLabel('E-mail').fill(account.email)
    await this.page.getByLabel('Password').fill(account.password)
    await this.page.getByRole('button', { name: 'Create account' }).click()
    await expect(this.page.getByRole('heading', { name: 'New chat' })).toBeVisible()
  }

  async signIn(account: Pick<Account, 'username' | 'password'>) {
    await this.page.goto('/sign-in')
    await this.page.getByLabel('Username or e-mail').fill(account.username)
    await this.page.getByLabel('Password').fill(account.password)
    await this.page.getByRole('button', { name: 'Sign in' }).click()
    await expect(this.page.getByRole('heading', { name: 'New chat' })).toBeVisible()
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await expect(this.page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  }
}
