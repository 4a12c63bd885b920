import { ModelDownloadError } from './model-download-error.ts'

/** What the server says about a file before any of it is downloaded. */
export interface RemoteFile {
  /** Where to GET the bytes: the URL itself, or the other-origin address (a CDN) it redirects to. */
  downloadUrl: string
  /** SHA-256 the server states for the file, lower-case hex (Hugging Face: `X-Linked-Etag` of an LFS file). */
  sha256: string | undefined
  /** Size the server states (`X-Linked-Size`, else the `Content-Length` of a plain answer). */
  size: number | undefined
}

const MAX_HOPS = 10
const SHA256 = /^[0-9a-f]{64}$/

/**
 * A HEAD that follows redirects only within the same origin, as huggingface_hub's `get_hf_file_metadata` does:
 * the hub states `X-Linked-Etag` (the LFS object's SHA-256, quoted) and `X-Linked-Size` on its own 302, and the
 * CDN behind it states neither. Same-origin redirects (a renamed repository) are followed.
 */
export async function probeRemoteFile(
  url: string,
  deps: { fetch: typeof fetch; signal: AbortSignal },
): Promise<RemoteFile> {
  let current = url
  let sha256: string | undefined
  let size: number | undefined
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const response = await deps.fetch(current, {
      method: 'HEAD',
      redirect: 'manual',
      headers: { 'accept-encoding': 'identity' },
      signal: deps.signal,
    })
    sha256 ??= statedSha256(response.headers)
    size ??= integerHeader(response.headers, 'x-linked-size')
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location')
      if (!location)
        throw new ModelDownloadError('http_error', `${current} answered ${response.status} without a Location`)
      const next = new URL(location, current)
      if (next.origin !== new URL(current).origin) return { downloadUrl: next.href, sha256, size }
      current = next.href
      continue
    }
    if (response.status === 404) throw new ModelDownloadError('not_found', `${url} was not found (HTTP 404)`)
    // Some servers refuse HEAD; the GET then tells the size, and the checksum must come from elsewhere.
    if (response.status === 405 || response.status === 501) return { downloadUrl: current, sha256, size }
    if (!response.ok)
      throw new ModelDownloadError(
        'http_error',
        `${current} answered HTTP ${response.status} ${response.statusText}`.trim(),
      )
    return { downloadUrl: current, sha256, size: size ?? integerHeader(response.headers, 'content-length') }
  }
  throw new ModelDownloadError('http_error', `${url} redirected more than ${MAX_HOPS} times`)
}

/**
 * The hub's ETag is the git blob SHA-1 for small files and the SHA-256 for LFS files (huggingface_hub
 * `hf_hub_url` docs), so only a 64-hex value is taken as a checksum. `W/` and quotes are stripped.
 */
function statedSha256(headers: Headers): string | undefined {
  const raw = headers.get('x-linked-etag')
  if (!raw) return undefined
  const value = raw.trim().replace(/^W\//i, '').replace(/^"|"$/g, '').toLowerCase()
  return SHA256.test(value) ? value : undefined
}

export function integerHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : undefined
}
