import { type Page, expect } from '@playwright/test'

/** The operators' screens: dashboard, users, flags. */
export class OperatorPages {
  constructor(readonly page: Page) {}

  async openDashboard() {
    await this.page.getByRole('link', { name: 'Dashboard' }).click()
    await expect(this.page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible()
  }

  async openUsers() {
    await this.page.getByRole('link', { name: 'Users', exact: true }).click()
    await expect(this.page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible()
  }

  /** The value shown on a metric card, e.g. `card('Messages')`. */
  cardValue(label: string) {
    return this.page.getByRole('group', { name: label, exact: true }).locator('.metric-value')
  }
}
