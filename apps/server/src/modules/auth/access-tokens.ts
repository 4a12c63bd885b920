import { type JWK, type JWTPayload, SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, errors } from 'jose'
import type { Db } from '../../db/database.ts'
import type { Runtime } from '../../shared/runtime.ts'
import type { PrincipalRole } from './principal.ts'
import { insertSigningKeyIfNone, listSigningKeys } from './signing-keys.repo.ts'

const ALGORITHM = 'EdDSA'
const ISSUER = 'parley'
const AUDIENCE = 'parley-api'
/**
 * Tokens whose signature was verified, kept until they expire: an Ed25519 verification was a fifth of the CPU of
 * an authenticated read. The result of a verification depends only on the token and the keys (fixed for the
 * process's life) and on the time, checked again on each use; revocation is checked on the session, never here.
 */
const VERIFIED_CAPACITY = 1_000

export interface AccessClaims {
  sub: string
  username: string
  roles: PrincipalRole[]
  /** Session id: revoking the session invalidates the token at once. */
  jti: string
}

type KeyLike = Awaited<ReturnType<typeof importJWK>>

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError'
}

/**
 * Ed25519 JWT access tokens. Keys live in the database so that every replica signs and verifies with the
 * same set, and any service can verify offline from `/.well-known/jwks.json`.
 */
export async function createAccessTokens(deps: { db: Db; runtime: Runtime; ttlMs: number }) {
  const { db, runtime, ttlMs } = deps
  let rows = await listSigningKeys(db)
  if (rows.length === 0) {
    const { publicKey, privateKey } = await generateKeyPair(ALGORITHM, { crv: 'Ed25519', extractable: true })
    const kid = runtime.newId()
    await insertSigningKeyIfNone(db, {
      kid,
      algorithm: ALGORITHM,
      public_jwk: JSON.stringify({ ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' }),
      private_jwk: JSON.stringify(await exportJWK(privateKey)),
      created_at: runtime.now().toISOString(),
    })
    rows = await listSigningKeys(db)
  }
  const current = rows[0]!
  const signingKey = await importJWK(JSON.parse(current.private_jwk) as JWK, ALGORITHM)
  const publicJwks = rows.map((row) => JSON.parse(row.public_jwk) as JWK)
  const verifyKeys = new Map<string, KeyLike>()
  for (const jwk of publicJwks) verifyKeys.set(jwk.kid!, await importJWK(jwk, ALGORITHM))
  const verified = new Map<string, { claims: AccessClaims; expiresAtMs: number }>()

  return {
    ttlSeconds: Math.floor(ttlMs / 1000),

    /** Signs an access token; guests get a longer one (`ttlMsOverride`) because they have no refresh token. */
    async sign(claims: AccessClaims, ttlMsOverride?: number): Promise<string> {
      const now = Math.floor(runtime.now().getTime() / 1000)
      const lifetime = Math.floor((ttlMsOverride ?? ttlMs) / 1000)
      return new SignJWT({ username: claims.username, roles: claims.roles })
        .setProtectedHeader({ alg: ALGORITHM, kid: current.kid, typ: 'JWT' })
        .setSubject(claims.sub)
        .setJti(claims.jti)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + lifetime)
        .sign(signingKey)
    },

    /** Verifies signature, algorithm (EdDSA only: `alg: none` and HMAC confusion are refused) and expiry. */
    async verify(token: string): Promise<AccessClaims> {
      const known = verified.get(token)
      if (known && known.expiresAtMs > runtime.now().getTime()) return known.claims
      verified.delete(token)
      try {
        const { payload } = await jwtVerify(
          token,
          (header) => {
            const key = header.kid ? verifyKeys.get(header.kid) : undefined
            if (!key) throw new InvalidTokenError('unknown signing key')
            return key
          },
          {
            algorithms: [ALGORITHM],
            issuer: ISSUER,
            audience: AUDIENCE,
            currentDate: runtime.now(),
            requiredClaims: ['sub', 'jti', 'exp', 'iat'],
          },
        )
        const claims = toClaims(payload)
        if (verified.size >= VERIFIED_CAPACITY) verified.delete(verified.keys().next().value!)
        verified.set(token, { claims, expiresAtMs: payload.exp! * 1000 })
        return claims
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new InvalidTokenError('token expired', { cause: error })
        if (error instanceof InvalidTokenError) throw error
        throw new InvalidTokenError('token is not valid', { cause: error })
      }
    },

    jwks: () => ({ keys: publicJwks }),
  }
}

function toClaims(payload: JWTPayload): AccessClaims {
  const { sub, jti, username, roles } = payload
  if (typeof sub !== 'string' || typeof jti !== 'string' || typeof username !== 'string' || !Array.isArray(roles)) {
    throw new InvalidTokenError('token claims are incomplete')
  }
  return { sub, jti, username, roles: roles as PrincipalRole[] }
}

export type AccessTokens = Awaited<ReturnType<typeof createAccessTokens>>
