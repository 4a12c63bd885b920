import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { AxeBuilder } from '@axe-core/playwright'
import { Webhook } from 'standardwebhooks'
import { ADMIN, expect, test } from './fixtures.ts'

/** A webhook receiver on this machine (the e2e server allows private webhook URLs): records what it is sent. */
async function startReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/e2e-${Date.now()}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

test('an admin adds a webhook endpoint, keeps its secret, sends a test event and sees it delivered', async ({
  page,
  authPage,
}) => {
  const receiver = await startReceiver()
  try {
    await authPage.signIn(ADMIN)
    await page.getByRole('link', { name: 'Notifications' }).click()
    await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible()
    await expect(page.getByRole('table', { name: 'Channels' })).toContainText('Discord')

    await page.getByLabel('Endpoint URL').fill(receiver.url)
    await page.getByRole('checkbox', { name: 'message.created' }).check()
    await page.getByRole('button', { name: 'Add endpoint' }).click()

    // The signing secret is shown once, in a dialog.
    const dialog = page.getByRole('dialog', { name: 'Webhook endpoint added' })
    const secret = (await dialog.getByLabel('Signing secret', { exact: true }).textContent()) ?? ''
    expect(secret).toMatch(/^whsec_/)
    await dialog.getByRole('button', { name: 'Done' }).click()
    await expect(dialog).toHaveCount(0)
    const endpoint = page.getByRole('list', { name: 'Webhook endpoints' }).getByRole('listitem').filter({
      hasText: receiver.url,
    })
    await expect(endpoint).toContainText('message.created, reply.completed')
    await page.reload()
    await expect(endpoint).toBeVisible()
    expect(await page.content()).not.toContain(secret)

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      const results = await new AxeBuilder({ page }).analyze()
      const serious = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
      expect(serious, `${scheme}: ${JSON.stringify(serious, null, 2)}`).toEqual([])
    }

    await endpoint.getByRole('button', { name: `Send a test event to ${receiver.url}` }).click()
    // The receiver verifies the request with the secret the dialog showed.
    await expect.poll(() => receiver.received.length).toBe(1)
    const [request] = receiver.received
    const event = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>) as {
      type: string
    }
    expect(event.type).toBe('webhook.test')
    // The log follows deliveries without a reload.
    const delivery = page.getByRole('table', { name: 'Delivery log' }).getByRole('row').filter({
      hasText: 'webhook.test',
    })
    await expect(delivery.first()).toContainText('delivered')
    await expect(delivery.first()).toContainText('200')
    await expect(endpoint).toContainText('working')

    await endpoint.getByRole('button', { name: `Disable ${receiver.url}` }).click()
    await expect(endpoint).toContainText('disabled')
    await expect(endpoint.getByRole('button', { name: `Send a test event to ${receiver.url}` })).toBeDisabled()
    await endpoint.getByRole('button', { name: `Delete ${receiver.url}` }).click()
    // Deleting asks first, in place.
    await endpoint
      .getByRole('group', { name: `Delete the endpoint ${receiver.url}?`, exact: false })
      .getByRole('button', { name: 'Delete', exact: true })
      .click()
    await expect(endpoint).toHaveCount(0)
    await page.reload()
    await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible()
    await expect(page.getByText(receiver.url)).toHaveCount(0)
  } finally {
    await receiver.close()
  }
})
