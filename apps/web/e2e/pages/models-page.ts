import { type Page, expect } from '@playwright/test'

/** Operators → Models: the models in use and the catalogue of local models. */
export class ModelsPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.getByRole('link', { name: 'Models', exact: true }).click()
    await expect(this.page.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible()
  }

  model(label: string) {
    return this.page.getByRole('list', { name: 'Models' }).getByRole('listitem', { name: label, exact: true })
  }

  catalogueEntry(label: string) {
    return this.page.getByRole('list', { name: 'Model catalogue' }).getByRole('listitem', { name: label, exact: true })
  }
}
