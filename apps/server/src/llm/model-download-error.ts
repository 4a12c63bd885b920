/**
 * Why a model download stopped. `network`, `timeout` and `aborted` keep the `.part` file for a later resume;
 * `checksum_mismatch` and `size_mismatch` delete it; the others stop before anything is downloaded.
 */
export type DownloadFailure =
  | 'not_found'
  | 'http_error'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'no_checksum'
  | 'checksum_conflict'
  | 'checksum_mismatch'
  | 'size_mismatch'

export class ModelDownloadError extends Error {
  override name = 'ModelDownloadError'
  constructor(
    readonly reason: DownloadFailure,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options)
  }
}
