import type { Kysely } from 'kysely'
import type { AnalyticsTables } from '../modules/analytics/analytics.table.ts'
import type { AuditLogTable } from '../modules/audit/audit.table.ts'
import type {
  ApiKeysTable,
  RefreshTokensTable,
  SessionsTable,
  SigningKeysTable,
  UserIdentitiesTable,
  UsersTable,
} from '../modules/auth/auth.table.ts'
import type { ConversationsTable, MessageFeedbackTable, MessagesTable } from '../modules/chat/chat.table.ts'
import type { FlagsTable } from '../modules/guard/guard.table.ts'
import type { GuestSessionsTable } from '../modules/guests/guests.table.ts'
import type {
  NotificationOutboxTable,
  NotificationStatusTable,
  NotificationThreadsTable,
  WebhookEndpointsTable,
} from '../modules/notifications/notifications.table.ts'
import type { ModelSettingsTable } from '../modules/models/models.table.ts'
import type { WidgetsTable } from '../modules/widgets/widgets.table.ts'
import type { SharedConversationsTable } from '../modules/shares/shares.table.ts'
import type { InvitationsTable } from '../modules/invitations/invitations.table.ts'
import type { PromptsTable } from '../modules/prompts/prompts.table.ts'

/** Every table, composed from the modules that own them. */
export interface Database {
  users: UsersTable
  user_identities: UserIdentitiesTable
  invitations: InvitationsTable
  prompts: PromptsTable
  sessions: SessionsTable
  refresh_tokens: RefreshTokensTable
  api_keys: ApiKeysTable
  audit_log: AuditLogTable
  signing_keys: SigningKeysTable
  conversations: ConversationsTable
  messages: MessagesTable
  message_feedback: MessageFeedbackTable
  shared_conversations: SharedConversationsTable
  analytics_requests: AnalyticsTables['analytics_requests']
  analytics_model_calls: AnalyticsTables['analytics_model_calls']
  analytics_events: AnalyticsTables['analytics_events']
  analytics_widget_visitors: AnalyticsTables['analytics_widget_visitors']
  analytics_request_rollups: AnalyticsTables['analytics_request_rollups']
  analytics_model_rollups: AnalyticsTables['analytics_model_rollups']
  analytics_event_rollups: AnalyticsTables['analytics_event_rollups']
  analytics_user_daily: AnalyticsTables['analytics_user_daily']
  flags: FlagsTable
  guest_sessions: GuestSessionsTable
  notification_outbox: NotificationOutboxTable
  notification_threads: NotificationThreadsTable
  webhook_endpoints: WebhookEndpointsTable
  notification_status: NotificationStatusTable
  widgets: WidgetsTable
  model_settings: ModelSettingsTable
}

export type Db = Kysely<Database>
export type Dialect = 'sqlite' | 'postgres'
