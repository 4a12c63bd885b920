import { describe, expect, it } from 'vitest'
import { ApiError } from '../../lib/api-client.ts'
import { failureReason } from './error-summary.tsx'

const limited = (retryAfterSeconds?: number) =>
  new ApiError(429, { code: 'rate_limited', message: 'Too many imports; try again in 2400 s' }, retryAfterSeconds)

describe('a failed request in words', () => {
  it('says how long a limit asks to wait, as a person would', () => {
    expect(failureReason(limited())).toBe('Too many attempts; wait a minute and try again.')
    expect(failureReason(limited(42))).toBe('Too many attempts; wait a minute and try again.')
    expect(failureReason(limited(2_400))).toBe('Too many attempts; try again in 40 minutes.')
    expect(failureReason(limited(3_600))).toBe('Too many attempts; try again in an hour.')
    expect(failureReason(limited(7_000))).toBe('Too many attempts; try again in 2 hours.')
  })

  it("gives the server's message for other refusals, and says when no answer came", () => {
    expect(failureReason(new ApiError(404, { code: 'not_found', message: 'Conversation not found' }))).toBe(
      'Conversation not found',
    )
    expect(failureReason(new TypeError('Failed to fetch'))).toBe('The server could not be reached.')
  })
})
