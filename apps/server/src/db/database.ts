import type { Kysely } from 'kysely'
import type { AuditLogTable } from '../modules/audit/audit.table.ts'
import type {
  ApiKeysTable,
  RefreshTokensTable,
  SessionsTable,
  SigningKeysTable,
  UsersTable,
} from '../modules/auth/auth.table.ts'
import type { ConversationsTable, MessagesTable } from '../modules/chat/chat.table.ts'

/** Every table, composed from the modules that own them. */
export interface Database {
  users: UsersTable
  sessions: SessionsTable
  refresh_tokens: RefreshTokensTable
  api_keys: ApiKeysTable
  audit_log: AuditLogTable
  signing_keys: SigningKeysTable
  conversations: ConversationsTable
  messages: MessagesTable
}

export type Db = Kysely<Database>
export type Dialect = 'sqlite' | 'postgres'
