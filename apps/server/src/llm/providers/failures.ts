/** What a failed provider call is called in replies, logs and analytics: short, human, without the prompt or key. */
import { ModelError } from '../types.ts'

/** The error with the key replaced, as servers may echo what they were sent: a key never reaches logs or analytics. */
export function withoutSecret(error: ModelError, secret: string | undefined): ModelError {
  return secret && error.message.includes(secret)
    ? new ModelError(error.kind, error.message.replaceAll(secret, '[redacted]'), { cause: error.cause })
    : error
}

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
}

/** "connection refused" and the like, from the system error at the bottom of a failed fetch. */
export function connectionFailure(error: Error): string {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string' && CONNECTION_CODES[code]) return CONNECTION_CODES[code]
  }
  return `cannot connect: ${error.message}`
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string')
    return error.message
  return typeof error === 'string' ? error : JSON.stringify(error)
}
