import { type Locator, type Page, expect } from '@playwright/test'

/** The demo model's fixed reply starts with this (see the README, "Models"). */
const DEMO_REPLY_START = 'Parley is running with its built-in demo model'

/** The chat screen: sidebar, conversation, composer. */
export class ChatPage {
  readonly sidebar: Locator
  readonly messages: Locator
  readonly composer: Locator
  readonly modelPicker: Locator

  constructor(readonly page: Page) {
    this.sidebar = page.getByRole('navigation', { name: 'Conversations' })
    this.messages = page.getByRole('log', { name: 'Messages' })
    this.composer = page.getByRole('textbox', { name: 'Message' })
    this.modelPicker = page.getByLabel('Model', { exact: true })
  }

  /** Chooses the model the next message goes to (the e2e server's fake models: `fast`, `slow`, `echo`, …). */
  async pickModel(id: string) {
    await this.modelPicker.selectOption(id)
  }

  async newChat() {
    await this.sidebar.getByRole('link', { name: '+ New chat' }).click()
    await expect(this.page.getByRole('heading', { name: 'New chat' })).toBeVisible()
  }

  async send(text: string) {
    await this.composer.fill(text)
    await this.composer.press('Enter')
  }

  /** Types "/" and a saved prompt's name in the message box, and chooses it in the list with Enter. */
  async choosePrompt(name: string) {
    await this.composer.pressSequentially(`/${name}`)
    const option = this.page
      .getByRole('listbox', { name: 'Saved prompts' })
      .getByRole('option', { name: new RegExp(`^/${name}`) })
    await expect(option).toHaveAttribute('aria-selected', 'true')
    await this.composer.press('Enter')
  }

  userMessage(text: string) {
    return this.messages.getByRole('article', { name: 'You' }).filter({ hasText: text })
  }

  replies() {
    return this.messages.getByRole('article', { name: 'Reply' })
  }

  /** Waits until the last reply has finished streaming and shows its details. */
  async waitForReply(): Promise<Locator> {
    const reply = this.replies().last()
    await expect(reply).toContainText(DEMO_REPLY_START)
    await expect(reply).toHaveAttribute('data-status', 'complete')
    return reply
  }

  /** Presses "Branch in new chat" on `reply` and waits for the new conversation to open; returns its id. */
  async branchInNewChat(reply: Locator): Promise<string> {
    const from = this.page.url()
    await reply.getByRole('button', { name: 'Branch in new chat' }).click()
    await expect(this.page).not.toHaveURL(from)
    await expect(this.page).toHaveURL(/\/c\/[^/]+$/)
    return new URL(this.page.url()).pathname.split('/').at(-1) ?? ''
  }

  conversationLink(title: string | RegExp) {
    return this.sidebar.getByRole('link', { name: title })
  }

  async search(text: string) {
    await this.sidebar.getByRole('searchbox', { name: 'Search conversations' }).fill(text)
  }

  /** Archives a conversation from its row in the sidebar; it leaves the list. */
  async archiveConversation(title: string) {
    await this.sidebar.getByRole('button', { name: `Archive “${title}”` }).click()
    await expect(this.conversationLink(title)).toHaveCount(0)
  }

  async deleteConversation(title: string) {
    await this.sidebar.getByRole('button', { name: `Delete “${title}”` }).click()
    await this.sidebar
      .getByRole('group', { name: `Delete “${title}”?` })
      .getByRole('button', { name: 'Delete' })
      .click()
    await expect(this.conversationLink(title)).toHaveCount(0)
  }
}
