import { ModelDownloadError } from './model-download-error.ts'

export const SHA256_HEX = /^[0-9a-f]{64}$/

export type ChecksumSource = 'pinned' | 'server' | 'none'

/**
 * Which SHA-256 the downloaded file must have: the pinned one (catalogue or `--sha256`) when there is one, else
 * the one the server states; with neither, refuse before downloading unless verification is switched off. A pin
 * that disagrees with the server is refused up front too, rather than after fetching hundreds of megabytes.
 */
export function chooseChecksum(input: {
  pinned: string | undefined
  stated: string | undefined
  verify: boolean
  url: string
}): {
  sha256: string | undefined
  source: ChecksumSource
} {
  if (!input.verify) return { sha256: undefined, source: 'none' }
  const pinned = input.pinned?.toLowerCase()
  if (pinned) {
    if (input.stated && input.stated !== pinned) {
      throw new ModelDownloadError(
        'checksum_conflict',
        `The server offers a different file than expected: it states SHA-256 ${input.stated}, the pinned one is ${pinned}`,
      )
    }
    return { sha256: pinned, source: 'pinned' }
  }
  if (input.stated) return { sha256: input.stated, source: 'server' }
  throw new ModelDownloadError(
    'no_checksum',
    `${input.url} comes with no SHA-256 and none is pinned, so it could not be verified`,
  )
}
