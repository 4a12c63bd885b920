import { describe, expect, it } from 'vitest'
import { deviceLabel } from './device-label.ts'

describe('deviceLabel', () => {
  it('names the browser and the system of desktop and phone browsers', () => {
    expect(
      deviceLabel(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome 131 on Windows 10')
    expect(
      deviceLabel(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Mobile Safari 17 on Apple iPhone (iOS 17.1)')
    expect(deviceLabel('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe(
      'Firefox 133 on Linux',
    )
  })

  it('shows the product name of other clients, and says when there is none', () => {
    expect(deviceLabel('curl/8.5.0')).toBe('Other client: curl/8.5.0')
    expect(deviceLabel(null)).toBe('Unknown device')
    expect(deviceLabel('  ')).toBe('Unknown device')
  })
})
