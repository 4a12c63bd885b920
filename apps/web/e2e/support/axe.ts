import { AxeBuilder } from '@axe-core/playwright'
import { type Page, expect } from '@playwright/test'

/**
 * Runs axe on the page (or the part `include` selects) in the light and the dark colour scheme, and fails on any
 * serious or critical violation, naming the rule and the elements.
 */
export async function expectNoSeriousViolations(page: Page, what: string, include?: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const builder = new AxeBuilder({ page })
    if (include) builder.include(include)
    const results = await builder.analyze()
    const serious = results.violations
      .filter((violation) => violation.impact === 'critical' || violation.impact === 'serious')
      .map((violation) => ({
        rule: violation.id,
        help: violation.help,
        nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
      }))
    expect(serious, `${what} (${colorScheme}): ${JSON.stringify(serious, null, 2)}`).toEqual([])
  }
  await page.emulateMedia({ colorScheme: null })
}
