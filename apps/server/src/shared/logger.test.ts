import { describe, expect, it } from 'vitest'
import { redactUrl } from './logger.ts'

describe('redactUrl', () => {
  it('removes token values from query strings', () => {
    expect(redactUrl('/api/ws/c1?token=eyJabc.def&x=1')).toBe('/api/ws/c1?token=[redacted]&x=1')
    expect(redactUrl('/x?a=1&access_token=secret')).toBe('/x?a=1&access_token=[redacted]')
    expect(redactUrl('/x?API_KEY=pk_123')).toBe('/x?API_KEY=[redacted]')
  })

  it('leaves other URLs alone', () => {
    expect(redactUrl('/api/conversations?limit=5&tokenizer=x')).toBe('/api/conversations?limit=5&tokenizer=x')
  })
})
