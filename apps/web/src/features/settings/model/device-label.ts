import UAParser from 'ua-parser-js'

/** The longest piece of a client's own name shown when it is not a browser (e.g. `curl/8.5.0`). */
const MAX_CLIENT_NAME = 40

const withVersion = (name: string | undefined, version: string | undefined) =>
  name ? (version ? `${name} ${version}` : name) : undefined

/**
 * A session's device in words, parsed from its user agent: "Chrome 131 on Windows 10", "Mobile Safari 17.1 on
 * iPhone (iOS 17.1)". A client that is no browser (a script, curl) shows its own product name.
 */
export function deviceLabel(userAgent: string | null): string {
  if (!userAgent?.trim()) return 'Unknown device'
  const { browser, os, device } = new UAParser(userAgent).getResult()
  const browserName = withVersion(browser.name, browser.major)
  const system = withVersion(os.name, os.version)
  const hardware = device.model ? [device.vendor, device.model].filter(Boolean).join(' ') : undefined
  const where = hardware ? (system ? `${hardware} (${system})` : hardware) : system
  if (browserName) return where ? `${browserName} on ${where}` : browserName
  if (where) return `App on ${where}`
  return `Other client: ${userAgent.trim().split(/\s+/)[0]!.slice(0, MAX_CLIENT_NAME)}`
}
