import { type Locator, type Page, expect } from '@playwright/test'

/** `/archived`: the conversations taken out of the sidebar's list. */
export class ArchivedChatsPage {
  readonly list: Locator

  constructor(readonly page: Page) {
    this.list = page.getByRole('list', { name: 'Archived chats' })
  }

  /** Opens the screen from the sidebar. */
  async open() {
    await this.page.getByRole('link', { name: 'Archived chats' }).click()
    await expect(this.page.getByRole('heading', { name: 'Archived chats', level: 1 })).toBeVisible()
  }

  conversationLink(title: string) {
    return this.list.getByRole('link', { name: title, exact: true })
  }

  async unarchive(title: string) {
    await this.list.getByRole('button', { name: `Unarchive “${title}”` }).click()
    await expect(this.conversationLink(title)).toHaveCount(0)
  }
}
