import { z } from 'zod'
import { Id, PageQuery, Text, Timestamp, page } from '../common.ts'
import { Email } from './auth.ts'
import { FinishReason, MAX_MESSAGE_LENGTH, MessageStatus } from './chat.ts'
import { PowSolution } from './widgets.ts'

/**
 * `POST /api/auth/email`: start a guest session. The e-mail is required unless the session is for a widget
 * that chats anonymously; `altcha` carries the proof-of-work solution when the widget asks for one.
 */
export const GuestSessionRequest = z.object({ email: Email.optional(), altcha: PowSolution.optional() })
export type GuestSessionRequest = z.infer<typeof GuestSessionRequest>

/** A guest's access token; it lasts as long as the session (no refresh token). */
export const GuestSessionResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  session_id: Id,
})
export type GuestSessionResponse = z.infer<typeof GuestSessionResponse>

/** `POST /api/chat`. */
export const GuestChatRequest = z.object({ message: Text.min(1, 'must not be empty').max(MAX_MESSAGE_LENGTH) })
export type GuestChatRequest = z.infer<typeof GuestChatRequest>

/** The reply to a guest message; `success` is false when no model could answer. */
export const GuestChatResponse = z.object({ success: z.boolean(), response: z.string(), message_id: Id })
export type GuestChatResponse = z.infer<typeof GuestChatResponse>

/** `GET /api/chat/history?limit=N`. */
export const GuestHistoryQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) })
export type GuestHistoryQuery = z.infer<typeof GuestHistoryQuery>

/** One user message with exactly its own reply (`response` is null while none is stored). */
export const GuestHistoryItem = z.object({
  id: Id,
  message: z.string(),
  response: z.string().nullable(),
  status: MessageStatus.nullable(),
  /** Why the model ended the reply (`length`: cut off at its token limit); null while none is stored or unknown. */
  finish_reason: FinishReason.nullable(),
  timestamp: Timestamp,
})
export type GuestHistoryItem = z.infer<typeof GuestHistoryItem>

/** The newest N turns, oldest first, and how many the session has. */
export const GuestHistoryResponse = z.object({ messages: z.array(GuestHistoryItem), total: z.number().int() })
export type GuestHistoryResponse = z.infer<typeof GuestHistoryResponse>

/** A guest session as operators see it. */
export const GuestSessionInfo = z.object({
  id: Id,
  created_at: Timestamp,
  expires_at: Timestamp,
  last_activity_at: Timestamp,
  ip: z.string().nullable(),
  email: z.string().nullable(),
  message_count: z.number().int(),
  active: z.boolean(),
  /** The widget the session was started from, if any. */
  widget_id: Id.nullable(),
  /** An operator's flag on the session (why they marked it), or null. */
  flag: z.object({ reason: z.string(), flagged_at: Timestamp, flagged_by: Id.nullable() }).nullable(),
})
export type GuestSessionInfo = z.infer<typeof GuestSessionInfo>

/** `PUT /api/admin/guest-sessions/{id}/flag`: flags the session (again, with a new reason, if already flagged). */
export const FlagGuestSessionRequest = z.object({ reason: Text.trim().min(1).max(500) })
export type FlagGuestSessionRequest = z.infer<typeof FlagGuestSessionRequest>

/** `GET /api/admin/guest-sessions`, newest first. */
export const GuestSessionPage = page(GuestSessionInfo)
export type GuestSessionPage = z.infer<typeof GuestSessionPage>

/** A message the pattern check matched. */
export const FlagInfo = z.object({
  id: Id,
  user_id: Id,
  /** Null when the account no longer exists. */
  username: z.string().nullable(),
  conversation_id: z.string().nullable(),
  message_id: Id.nullable(),
  rule: z.string(),
  family: z.string(),
  action: z.enum(['flagged', 'blocked']),
  excerpt: z.string(),
  created_at: Timestamp,
})
export type FlagInfo = z.infer<typeof FlagInfo>

/** `GET /api/admin/flags`, newest first. */
export const FlagPage = page(FlagInfo)
export type FlagPage = z.infer<typeof FlagPage>

/** Query of the operator lists above. */
export const OperatorPageQuery = PageQuery

/** `GET /api/admin/guest-sessions`: optionally only one widget's sessions, and only flagged (or unflagged) ones. */
export const GuestSessionListQuery = PageQuery.extend({
  widget_id: Id.optional(),
  flagged: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
})
export type GuestSessionListQuery = z.infer<typeof GuestSessionListQuery>

/** `GET /api/admin/guest-sessions/{id}/transcript`: the session and its whole conversation, oldest first. */
export const GuestTranscript = z.object({ session: GuestSessionInfo, messages: z.array(GuestHistoryItem) })
export type GuestTranscript = z.infer<typeof GuestTranscript>
