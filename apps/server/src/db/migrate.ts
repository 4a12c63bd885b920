import { type Migration, type MigrationResult, Migrator } from 'kysely'
import type { Db } from './database.ts'
import * as auth from './migrations/2026_11_23_0900_auth.ts'
import * as chat from './migrations/2026_11_23_1600_chat.ts'
import * as guard from './migrations/2026_11_23_1700_guard.ts'
import * as analytics from './migrations/2026_11_23_1800_analytics.ts'
import * as messageTiming from './migrations/2026_11_23_1900_message_timing.ts'
import * as replyReplica from './migrations/2026_11_23_2000_reply_replica.ts'
import * as sqliteTouchConversation from './migrations/2026_11_23_2200_sqlite_touch_conversation.ts'
import * as sqliteBatchedSearchIndex from './migrations/2026_11_24_0000_sqlite_batched_search_index.ts'
import * as replyFailureKind from './migrations/2026_12_05_1500_reply_failure_kind.ts'
import * as sqliteIndexOnWrite from './migrations/2026_12_05_1510_sqlite_index_on_write.ts'
import * as messagesVisibleIndex from './migrations/2026_12_05_1520_messages_visible_index.ts'
import * as notifications from './migrations/2026_12_05_1600_notifications.ts'
import * as widgets from './migrations/2026_12_05_1700_widgets.ts'
import * as conversationSettingsFeedback from './migrations/2026_12_06_1000_conversation_settings_feedback.ts'
import * as messageTree from './migrations/2026_12_06_1100_message_tree.ts'
import * as conversationPin from './migrations/2026_12_06_1200_conversation_pin.ts'
import * as modelSettings from './migrations/2026_12_06_1300_model_settings.ts'
import * as guestSessionFlags from './migrations/2026_12_06_1600_guest_session_flags.ts'
import * as analyticsWidgetVisitors from './migrations/2026_12_06_1610_analytics_widget_visitors.ts'
import * as replyFinishReason from './migrations/2026_12_07_0900_reply_finish_reason.ts'
import * as sharedConversations from './migrations/2026_12_07_1000_shared_conversations.ts'
import * as userIdentities from './migrations/2026_12_08_0900_user_identities.ts'
import * as userInstructions from './migrations/2026_12_08_1000_user_instructions.ts'
import * as sharedLinkExpiry from './migrations/2026_12_08_1100_shared_link_expiry.ts'
import * as invitations from './migrations/2026_12_08_1200_invitations.ts'
import * as prompts from './migrations/2026_12_08_1300_prompts.ts'
import * as sessionSignInMethod from './migrations/2026_12_08_1400_session_sign_in_method.ts'
import * as sharedPrompts from './migrations/2026_12_08_1500_shared_prompts.ts'
import * as conversationArchive from './migrations/2026_12_09_1000_conversation_archive.ts'
import * as temporaryConversations from './migrations/2026_12_10_1000_temporary_conversations.ts'
import * as conversationsListedIndex from './migrations/2026_12_10_1100_conversations_listed_index.ts'
import * as postgresSearchAccents from './migrations/2026_12_10_1200_postgres_search_accents.ts'

/** Every migration in order; names sort by time. */
export const MIGRATIONS: Record<string, Migration> = {
  '2026_11_23_0900_auth': auth,
  '2026_11_23_1600_chat': chat,
  '2026_11_23_1700_guard': guard,
  '2026_11_23_1800_analytics': analytics,
  '2026_11_23_1900_message_timing': messageTiming,
  '2026_11_23_2000_reply_replica': replyReplica,
  '2026_11_23_2200_sqlite_touch_conversation': sqliteTouchConversation,
  '2026_11_24_0000_sqlite_batched_search_index': sqliteBatchedSearchIndex,
  '2026_12_05_1500_reply_failure_kind': replyFailureKind,
  '2026_12_05_1510_sqlite_index_on_write': sqliteIndexOnWrite,
  '2026_12_05_1520_messages_visible_index': messagesVisibleIndex,
  '2026_12_05_1600_notifications': notifications,
  '2026_12_05_1700_widgets': widgets,
  '2026_12_06_1000_conversation_settings_feedback': conversationSettingsFeedback,
  '2026_12_06_1100_message_tree': messageTree,
  '2026_12_06_1200_conversation_pin': conversationPin,
  '2026_12_06_1300_model_settings': modelSettings,
  '2026_12_06_1600_guest_session_flags': guestSessionFlags,
  '2026_12_06_1610_analytics_widget_visitors': analyticsWidgetVisitors,
  '2026_12_07_0900_reply_finish_reason': replyFinishReason,
  '2026_12_07_1000_shared_conversations': sharedConversations,
  '2026_12_08_0900_user_identities': userIdentities,
  '2026_12_08_1000_user_instructions': userInstructions,
  '2026_12_08_1100_shared_link_expiry': sharedLinkExpiry,
  '2026_12_08_1200_invitations': invitations,
  '2026_12_08_1300_prompts': prompts,
  '2026_12_08_1400_session_sign_in_method': sessionSignInMethod,
  '2026_12_08_1500_shared_prompts': sharedPrompts,
  '2026_12_09_1000_conversation_archive': conversationArchive,
  '2026_12_10_1000_temporary_conversations': temporaryConversations,
  '2026_12_10_1100_conversations_listed_index': conversationsListedIndex,
  '2026_12_10_1200_postgres_search_accents': postgresSearchAccents,
}

class MigrationError extends Error {
  override name = 'MigrationError'
}

/**
 * Brings the schema to the latest version; safe to call from several replicas at once (Kysely takes a lock).
 * On PostgreSQL with a non-default schema, name it: Kysely otherwise finds its bookkeeping tables in any
 * schema of the database and skips creating them in ours.
 */
export async function migrateToLatest(db: Db, options: { schema?: string } = {}): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error) {
    const failed = results.find((result) => result.status === 'Error')
    throw new MigrationError(`Migration ${failed?.migrationName ?? '(unknown)'} failed`, { cause: error })
  }
  return results
}
