import { describe, expect, it } from 'vitest'
import { isOriginAllowed } from './widgets.origins.ts'

describe('widget origin rules', () => {
  it('admits an exact origin, whatever the case, and nothing around it', () => {
    const rules = ['https://shop.example.com']
    expect(isOriginAllowed('https://shop.example.com', rules)).toBe(true)
    expect(isOriginAllowed('https://SHOP.Example.com', rules)).toBe(true)
    expect(isOriginAllowed('http://shop.example.com', rules)).toBe(false)
    expect(isOriginAllowed('https://www.shop.example.com', rules)).toBe(false)
    expect(isOriginAllowed('https://example.com', rules)).toBe(false)
    expect(isOriginAllowed('https://shop.example.com.evil.test', rules)).toBe(false)
    expect(isOriginAllowed('https://evil-shop.example.com', rules)).toBe(false)
  })

  it('admits subdomains only through an explicit wildcard, never the bare domain or a look-alike', () => {
    const rules = ['https://*.example.com']
    expect(isOriginAllowed('https://a.example.com', rules)).toBe(true)
    expect(isOriginAllowed('https://a.b.example.com', rules)).toBe(true)
    expect(isOriginAllowed('https://example.com', rules)).toBe(false)
    expect(isOriginAllowed('https://badexample.com', rules)).toBe(false)
    expect(isOriginAllowed('http://a.example.com', rules)).toBe(false)
    expect(isOriginAllowed('https://a.example.com:8443', rules)).toBe(false)
    // A wildcard in the request's Origin is not an origin.
    expect(isOriginAllowed('https://*.example.com', rules)).toBe(false)
  })

  it('compares ports, treating the default port as written or left out', () => {
    expect(isOriginAllowed('http://localhost:8080', ['http://localhost:8080'])).toBe(true)
    expect(isOriginAllowed('http://localhost:8081', ['http://localhost:8080'])).toBe(false)
    expect(isOriginAllowed('http://localhost', ['http://localhost:8080'])).toBe(false)
    expect(isOriginAllowed('https://shop.example.com', ['https://shop.example.com:443'])).toBe(true)
    expect(isOriginAllowed('https://shop.example.com:443', ['https://shop.example.com'])).toBe(true)
    expect(isOriginAllowed('http://shop.example.com:80', ['http://shop.example.com'])).toBe(true)
    expect(isOriginAllowed('https://shop.example.com:8443', ['https://shop.example.com'])).toBe(false)
    expect(isOriginAllowed('https://*.example.com:8443', ['https://*.example.com:8443'])).toBe(false)
    expect(isOriginAllowed('https://a.example.com:8443', ['https://*.example.com:8443'])).toBe(true)
  })

  it('admits the opaque `null` origin only when listed, and refuses a missing or malformed one', () => {
    expect(isOriginAllowed('null', ['https://shop.example.com'])).toBe(false)
    expect(isOriginAllowed('null', ['null'])).toBe(true)
    expect(isOriginAllowed('https://shop.example.com', ['null'])).toBe(false)
    expect(isOriginAllowed(undefined, ['https://shop.example.com'])).toBe(false)
    expect(isOriginAllowed('', ['https://shop.example.com'])).toBe(false)
    expect(isOriginAllowed('https://shop.example.com/path', ['https://shop.example.com'])).toBe(false)
    expect(isOriginAllowed('ftp://shop.example.com', ['ftp://shop.example.com'])).toBe(false)
    expect(isOriginAllowed('https://user@shop.example.com', ['https://shop.example.com'])).toBe(false)
  })
})
