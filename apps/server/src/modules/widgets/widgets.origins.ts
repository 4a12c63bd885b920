interface ParsedOrigin {
  scheme: 'http' | 'https'
  host: string
  port: number
  wildcard: boolean
}

const SHAPE = /^(https?):\/\/(\*\.)?([a-z0-9.-]+)(?::(\d{1,5}))?$/i

function parse(value: string, allowWildcard: boolean): ParsedOrigin | undefined {
  const match = SHAPE.exec(value.trim())
  if (!match) return undefined
  const [, scheme, wildcard, host, port] = match
  if (wildcard && !allowWildcard) return undefined
  const lowerScheme = scheme!.toLowerCase() as 'http' | 'https'
  return {
    scheme: lowerScheme,
    host: host!.toLowerCase().replace(/\.$/, ''),
    // Browsers leave the default port out of `Origin`; both spellings mean the same origin.
    port: port ? Number(port) : lowerScheme === 'https' ? 443 : 80,
    wildcard: Boolean(wildcard),
  }
}

function matches(origin: ParsedOrigin, pattern: ParsedOrigin): boolean {
  if (origin.scheme !== pattern.scheme || origin.port !== pattern.port) return false
  if (!pattern.wildcard) return origin.host === pattern.host
  // `*.example.com` covers any depth of subdomain but never `example.com` itself nor `badexample.com`.
  return origin.host.endsWith(`.${pattern.host}`)
}

/**
 * Whether a request's `Origin` header is one of a widget's allowed origins. Patterns are exact origins,
 * explicit wildcard subdomains (`https://*.example.com`) or `null`; scheme and port always have to match.
 * A request without `Origin` is not from a page at all and is refused.
 */
export function isOriginAllowed(origin: string | undefined, patterns: readonly string[]): boolean {
  if (origin === undefined || origin === '') return false
  // Sandboxed frames and `file:` pages send the literal `null`; only an explicit `null` entry admits them.
  if (origin === 'null') return patterns.includes('null')
  const parsed = parse(origin, false)
  if (!parsed) return false
  return patterns.some((pattern) => {
    if (pattern === 'null') return false
    const rule = parse(pattern, true)
    return rule !== undefined && matches(parsed, rule)
  })
}
