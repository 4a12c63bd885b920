import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { eventually } from './eventually.ts'
import { DIALECTS, buildTestApp, createTestDatabase } from './helpers.ts'

// Background work fails on its own, with no request to carry the error: each kind must say in the log which one
// failed, so an operator knows where to look.
describe.each(DIALECTS)('background work failing on %s', (dialect) => {
  it('logs a keep-alive failure and an outbox failure each under its own message', async () => {
    const messages: string[] = []
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          messages.push((JSON.parse(line) as { msg: string }).msg)
        done()
      },
    })
    const database = await createTestDatabase(dialect)
    const t = await buildTestApp({
      dialect,
      database,
      logStream,
      env: { PARLEY_LOG_LEVEL: 'error' },
      livenessBeatMs: 50,
    })
    try {
      // The database goes away under the running timers: the keep-alive's next beat and the outbox's next poll fail.
      await database.close()
      await eventually(
        async () =>
          messages.includes('Replica keep-alive failed') && messages.includes('Notification delivery failed')
            ? true
            : undefined,
        'both failures to be logged',
      )
      expect(messages).not.toContain('Analytics stream consumer failed')
    } finally {
      await t.close()
    }
  })
})
