import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { hash, verify } from '@node-rs/argon2'
import pLimit from 'p-limit'
import type { FieldIssue } from '@parley/protocol'

// `Algorithm.Argon2id` is an ambient const enum that isolated modules cannot read; its value is 2.
const ARGON2ID = 2
// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 }

const PASSWORD_MIN_LENGTH = 10
const PASSWORD_MAX_LENGTH = 128

/**
 * Each hash or check holds its 19 MiB for the whole computation, on one of libuv's four threads: one at a time,
 * a burst of sign-ins costs 19 MiB of memory instead of 76 (measured: a 20-user sign-up burst peaked ~50 MB
 * lower), and leaves the other threads to file and DNS work. Sign-ins then queue for a few tens of milliseconds
 * each, which the auth rate limit keeps short.
 */
const oneAtATime = pLimit(1)

/** The stored hash of an account without a password (one single sign-on made): no password verifies against it. */
export const NO_PASSWORD = ''

export function hashPassword(password: string): Promise<string> {
  return oneAtATime(() => hash(password, ARGON2_OPTIONS))
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  // An account without a password (single sign-on only) takes as long to refuse as a wrong password.
  if (passwordHash === NO_PASSWORD) {
    await burnPasswordCheck(password)
    return false
  }
  try {
    return await oneAtATime(() => verify(passwordHash, password))
  } catch {
    return false
  }
}

let dummyHash: Promise<string> | undefined
/** Verifies against a throwaway hash so that an unknown user takes as long as a wrong password. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('parley-timing-equaliser')
  await verifyPassword(await dummyHash, password)
}

let commonPasswords: Promise<ReadonlySet<string>> | undefined

/**
 * ~49,000 common passwords, read from the list's JSON file when a password is first set. Only the ~1,600 a
 * password of the minimum length can match are kept: held whole as a bundled module and a Set, the list stayed in
 * memory for good, and its half a megabyte of source was a tenth of a fresh start (which checks the first admin's
 * password).
 */
async function isCommonPassword(password: string): Promise<boolean> {
  commonPasswords ??= readFile(
    createRequire(import.meta.url).resolve('@zxcvbn-ts/language-common/src/passwords.json'),
    'utf8',
  ).then((text) => {
    // A string's UTF-16 length is never below its count of characters: the cheap test drops most entries before
    // the exact count and the lower-casing, which would otherwise allocate for all 49,000 (several megabytes that
    // kept V8 from shrinking its heap soon after a fresh start).
    const longEnough = (JSON.parse(text) as string[]).filter(
      (entry) => entry.length >= PASSWORD_MIN_LENGTH && [...entry].length >= PASSWORD_MIN_LENGTH,
    )
    return new Set(longEnough.map((entry) => entry.toLowerCase()))
  })
  return (await commonPasswords).has(password.toLowerCase())
}

/**
 * OWASP ASVS 2.1: length rather than composition rules, no context-specific words, no breached/common
 * passwords. Returns the problems found (empty when the password is acceptable).
 */
export async function checkPasswordPolicy(
  password: string,
  context: { username: string; field?: string },
): Promise<FieldIssue[]> {
  const path = context.field ?? 'password'
  const length = [...password].length
  if (length < PASSWORD_MIN_LENGTH) {
    return [{ path, message: `must be at least ${PASSWORD_MIN_LENGTH} characters` }]
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return [{ path, message: `must be at most ${PASSWORD_MAX_LENGTH} characters` }]
  }
  if (password.toLowerCase() === context.username.toLowerCase()) {
    return [{ path, message: 'must not be the username' }]
  }
  if (await isCommonPassword(password)) {
    return [{ path, message: 'is too common; choose a less predictable password' }]
  }
  return []
}
