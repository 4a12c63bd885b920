import { describe, expect, it } from 'vitest'
import { ERROR_STATUS, ErrorCode, ErrorResponse } from './errors.ts'

describe('error table', () => {
  it('maps every code to a client or server error status', () => {
    for (const code of ErrorCode.options) {
      expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400)
      expect(ERROR_STATUS[code]).toBeLessThan(600)
    }
  })

  it('parses the documented error body and rejects unknown codes', () => {
    expect(ErrorResponse.safeParse({ error: { code: 'not_found', message: 'Conversation not found' } }).success).toBe(
      true,
    )
    expect(ErrorResponse.safeParse({ error: { code: 'teapot', message: 'no' } }).success).toBe(false)
  })
})
