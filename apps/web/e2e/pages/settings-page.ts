import { type Locator, type Page, expect } from '@playwright/test'

/** `/settings`: profile, password, sessions, API keys, importing conversations. */
export class SettingsPage {
  readonly sessions: Locator
  readonly apiKeys: Locator
  /** The import section's live region: progress, then what was imported and left out. */
  readonly importStatus: Locator

  constructor(readonly page: Page) {
    this.sessions = page.getByRole('list', { name: 'Sessions' })
    this.apiKeys = page.getByRole('list', { name: 'API keys' })
    this.importStatus = page.getByRole('region', { name: 'Import conversations' }).getByRole('status')
  }

  async open() {
    await this.page.getByRole('link', { name: 'Settings' }).click()
    await expect(this.page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  }

  /** Creates a key and returns the secret the dialog shows (once). */
  async createApiKey(name: string): Promise<string> {
    await this.page.getByLabel('Key name').fill(name)
    await this.page.getByRole('button', { name: 'Create key' }).click()
    const dialog = this.page.getByRole('dialog', { name: `API key “${name}” created` })
    const secret = (await dialog.getByLabel('New API key').textContent()) ?? ''
    return secret
  }

  async closeKeyDialog() {
    await this.page.getByRole('dialog').getByRole('button', { name: 'Done' }).click()
    await expect(this.page.getByRole('dialog')).toHaveCount(0)
  }

  /** Downloads every conversation of the account; returns the file's name and its parsed content. */
  async exportAllConversations(): Promise<{ name: string; content: unknown }> {
    const downloading = this.page.waitForEvent('download')
    await this.page.getByRole('button', { name: 'Download all conversations' }).click()
    const download = await downloading
    const chunks: Buffer[] = []
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer)
    return { name: download.suggestedFilename(), content: JSON.parse(Buffer.concat(chunks).toString('utf8')) }
  }

  /** Chooses an export file holding `content` (as JSON) and imports it. */
  async importConversations(fileName: string, content: unknown) {
    const buffer = Buffer.from(JSON.stringify(content))
    await this.page.getByLabel('Export file').setInputFiles({ name: fileName, mimeType: 'application/json', buffer })
    await this.page.getByRole('button', { name: 'Import' }).click()
  }
}
