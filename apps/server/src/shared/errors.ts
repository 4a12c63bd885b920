import { ERROR_STATUS, type ErrorCode, type FieldIssue } from '@parley/protocol'

/** An error meant for the client: its code and message are shown, its status comes from the protocol table. */
export class AppError extends Error {
  override name = 'AppError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      cause?: unknown
      issues?: FieldIssue[]
      headers?: Record<string, string>
      /** When to retry: sent as the `Retry-After` header, and in WebSocket error frames. */
      retryAfterSeconds?: number
    } = {},
  ) {
    super(message, { cause: options.cause })
  }

  get statusCode(): number {
    return ERROR_STATUS[this.code]
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`)
export const forbidden = (message = 'You are not allowed to do this') => new AppError('forbidden', message)
export const unauthorized = (message = 'Authentication required') => new AppError('unauthorized', message)
export const conflict = (message: string) => new AppError('conflict', message)
export const badRequest = (message: string, issues?: FieldIssue[]) =>
  new AppError(issues ? 'validation_failed' : 'bad_request', message, issues ? { issues } : {})
