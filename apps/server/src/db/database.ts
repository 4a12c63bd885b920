import type { Kysely } from 'kysely'
import type { AuditLogTable } from '../modules/audit/audit.table.ts'
import type {
  ApiKeysTable,
  RefreshTokensTable,
  SessionsTable,
  SigningKeysTable,
  UsersTable,
} from '../modules/auth/auth.table.ts'

/** Every table, composed from the modules that own them. */
export interface Database {
  users: UsersTable
  sessions: SessionsTable
  refresh_tokens: RefreshTokensTable
  api_keys: ApiKeysTable
  audit_log: AuditLogTable
  signing_keys: SigningKeysTable
}

export type Db = Kysely<Database>
export type Dialect = 'sqlite' | 'postgres'
