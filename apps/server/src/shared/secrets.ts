import { createHash, randomBytes } from 'node:crypto'

/** A random URL-safe secret with 256 bits of entropy. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/**
 * SHA-256 of a high-entropy secret (refresh tokens, API keys). A slow password hash is unnecessary here:
 * 256 random bits cannot be guessed, and a fast hash keeps every authenticated request cheap.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}
