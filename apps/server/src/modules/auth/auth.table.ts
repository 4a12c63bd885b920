import type { Insertable, Selectable } from 'kysely'

/** Booleans are stored as 0/1 so one schema serves SQLite and PostgreSQL. */
type Flag = number

export interface UsersTable {
  id: string
  username: string
  /** Lower-cased username: uniqueness ignores case ("Alice" and "alice" are one account). */
  username_key: string
  email: string
  full_name: string | null
  password_hash: string
  /** Comma-separated roles, e.g. "admin,user". */
  roles: string
  is_active: Flag
  /** Custom instructions sent with every reply to this user; null: none. */
  instructions: string | null
  created_at: string
  updated_at: string
}

/** An identity provider's account (issuer and subject) that signs in as a Parley account. */
export interface UserIdentitiesTable {
  issuer: string
  subject: string
  user_id: string
  created_at: string
}

export interface SessionsTable {
  id: string
  user_id: string
  created_at: string
  last_used_at: string
  expires_at: string
  revoked_at: string | null
  revoke_reason: string | null
  ip: string | null
  user_agent: string | null
  /** How the session was signed in to (`password`, `single_sign_on`); null for guests and older sessions. */
  sign_in_method: string | null
}

export interface RefreshTokensTable {
  id: string
  session_id: string
  /** SHA-256 of the token: the token itself is never stored. */
  token_hash: string
  created_at: string
  expires_at: string
  used_at: string | null
}

export interface ApiKeysTable {
  id: string
  user_id: string
  name: string
  prefix: string
  key_hash: string
  created_at: string
  expires_at: string | null
  last_used_at: string | null
  revoked_at: string | null
}

export interface SigningKeysTable {
  kid: string
  algorithm: string
  public_jwk: string
  private_jwk: string
  created_at: string
}

export type UserRow = Selectable<UsersTable>
export type NewUserRow = Insertable<UsersTable>
export type SessionRow = Selectable<SessionsTable>
export type ApiKeyRow = Selectable<ApiKeysTable>
export type SigningKeyRow = Selectable<SigningKeysTable>
