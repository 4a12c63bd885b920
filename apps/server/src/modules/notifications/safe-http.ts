import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'

/**
 * Addresses a webhook must not reach: an admin-entered URL pointing inside the network (a metadata service, a
 * database, localhost) would let Parley be used to probe or call it (SSRF). Ranges from RFC 6890 and friends.
 */
const PRIVATE = new net.BlockList()
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(address, prefix, 'ipv4')
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(address, prefix, 'ipv6')

/** Whether an IP address is loopback, private, link-local, reserved or multicast. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4')
  const family = net.isIP(address)
  if (family === 0) return true
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

export class UnsafeUrlError extends Error {
  override name = 'UnsafeUrlError'
}

/**
 * Refuses what can be refused without a DNS lookup: other schemes, plain http and literal private addresses
 * (unless private targets are allowed). Host names are checked again at send time, on the resolved address.
 */
export function assertSafeUrl(url: string, allowPrivate: boolean): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UnsafeUrlError('is not a URL')
  }
  if (parsed.protocol !== 'https:' && !(allowPrivate && parsed.protocol === 'http:'))
    throw new UnsafeUrlError('must be an https:// URL')
  if (parsed.username || parsed.password) throw new UnsafeUrlError('must not contain credentials')
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  if (!allowPrivate && (net.isIP(host) !== 0 ? isPrivateAddress(host) : /^localhost\.?$/i.test(host)))
    throw new UnsafeUrlError('must not point to a private, loopback or link-local address')
  return parsed
}

/** Resolves like the default lookup, then refuses private addresses (checked where the socket connects). */
const checkedLookup = (allowPrivate: boolean): net.LookupFunction =>
  ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error)
      const unsafe = addresses.find((entry) => isPrivateAddress(entry.address))
      if (unsafe && !allowPrivate)
        return callback(new UnsafeUrlError(`${hostname} resolves to a private address (${unsafe.address})`))
      if (options.all) return callback(null, addresses)
      callback(null, addresses[0]!.address, addresses[0]!.family)
    })
  }) as net.LookupFunction

export interface PostResult {
  status: number
  headers: http.IncomingHttpHeaders
  /** The start of the response body (at most 1 KB). */
  body: string
}

/**
 * POSTs JSON to an outside URL: the address is checked where the socket connects (so a DNS answer that changes
 * between check and use cannot slip through), redirects are never followed, and the wait is bounded.
 */
export async function postJson(
  url: string,
  body: string,
  options: { headers?: Record<string, string>; timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  const target = assertSafeUrl(url, options.allowPrivate)
  const request = target.protocol === 'https:' ? https.request : http.request
  return new Promise<PostResult>((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Parley-Webhooks/1',
          ...options.headers,
        },
        lookup: checkedLookup(options.allowPrivate),
        signal: AbortSignal.timeout(options.timeoutMs),
        agent: false,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          if (text.length < 1024) text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text.slice(0, 1024) }))
        res.on('error', reject)
      },
    )
    req.on('error', (error) =>
      reject(error.name === 'AbortError' ? new Error(`No answer within ${options.timeoutMs} ms`) : error),
    )
    req.end(body)
  })
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const header = Array.isArray(value) ? value[0] : value
  if (!header) return undefined
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
