import { Counter, Gauge, type Registry } from 'prom-client'

/**
 * Deliveries by channel and outcome, and the outbox's depth and oldest pending row (read from the database at
 * scrape time, so every replica reports the shared outbox).
 */
export function createNotificationMetrics(
  registry: Registry,
  summary: () => Promise<{ pending: number; oldestPendingAt: string | null }>,
  now: () => number,
) {
  const registers = [registry]
  const deliveries = new Counter({
    name: 'parley_notification_deliveries_total',
    help: 'Notification delivery attempts by channel and outcome (delivered, retry, failed)',
    labelNames: ['channel', 'outcome'] as const,
    registers,
  })
  let reading: Promise<{ pending: number; oldestPendingAt: string | null }> | undefined
  // Both gauges are collected in one scrape: one query serves them.
  const read = () => (reading ??= summary().finally(() => setImmediate(() => (reading = undefined))))
  new Gauge({
    name: 'parley_notification_outbox_depth',
    help: 'Notifications waiting to be delivered',
    registers,
    async collect() {
      this.set((await read()).pending)
    },
  })
  new Gauge({
    name: 'parley_notification_oldest_pending_seconds',
    help: 'Age of the oldest notification waiting to be delivered (0 when none)',
    registers,
    async collect() {
      const oldest = (await read()).oldestPendingAt
      this.set(oldest ? Math.max(0, (now() - Date.parse(oldest)) / 1000) : 0)
    },
  })
  return {
    delivered: (channel: string, outcome: 'delivered' | 'retry' | 'failed') => deliveries.inc({ channel, outcome }),
  }
}
