import { z } from 'zod'
import { Id, Text } from './common.ts'
import { ErrorCode } from './errors.ts'
import { AnalyticsSummary } from './rest/analytics.ts'
import { ConversationId, MAX_MESSAGE_LENGTH } from './rest/chat.ts'
import { ChatEvent } from './stream.ts'

/** Checked at connect: a client speaking another version is told so instead of misreading frames. */
export const PROTOCOL_VERSION = 1

/** The `Sec-WebSocket-Protocol` a client offers; a second entry `bearer.<token>` may carry the access token. */
export const WS_SUBPROTOCOL = 'parley.v1'

const Content = Text.min(1, 'must not be empty').max(MAX_MESSAGE_LENGTH)

/** Frames a client sends on `GET /api/ws`. */
export const ClientFrame = z.discriminatedUnion('type', [
  /** Authenticates the socket when the token did not come with the upgrade request. */
  z.object({ type: z.literal('auth'), token: Text.min(1).max(4096) }),
  /** Receive a conversation's events; with `after_seq`, first everything after that sequence number. */
  z.object({
    type: z.literal('subscribe'),
    conversation_id: ConversationId,
    after_seq: z.number().int().min(0).optional(),
  }),
  z.object({ type: z.literal('unsubscribe'), conversation_id: ConversationId }),
  /** Sends a user message; a repeated `client_message_id` is recognised and not sent twice. */
  z.object({
    type: z.literal('send'),
    conversation_id: ConversationId,
    client_message_id: Text.min(1).max(100),
    content: Content,
    model: Text.min(1).max(200).optional(),
  }),
  /** Stops the reply being generated; the partial text is kept with status `stopped`. */
  z.object({ type: z.literal('stop'), conversation_id: ConversationId }),
  /** Answers again with a new version of a reply (the old one is kept on its own branch). */
  z.object({ type: z.literal('regenerate'), message_id: Id, model: Text.min(1).max(200).optional() }),
  /** Sends a new version of a user message (the old one and what followed it are kept on their own branch). */
  z.object({ type: z.literal('edit'), message_id: Id, content: Content }),
  /**
   * Asks the model to go on with the last reply of the active branch after it was stopped, interrupted or cut off:
   * the text is appended to the same message (`reply.started` carries the text so far, then `reply.delta`s).
   */
  z.object({ type: z.literal('continue'), message_id: Id, model: Text.min(1).max(200).optional() }),
  z.object({ type: z.literal('ping') }),
  /** Operators (admin, manager): receive `analytics.summary` now and then every `interval_seconds`. */
  z.object({ type: z.literal('analytics.subscribe'), interval_seconds: z.number().int().min(2).max(300).default(5) }),
  z.object({ type: z.literal('analytics.unsubscribe') }),
])
export type ClientFrame = z.infer<typeof ClientFrame>

/** A conversation event with its place in the conversation's sequence. */
export const SequencedEvent = z.intersection(
  ChatEvent,
  z.object({ conversation_id: ConversationId, seq: z.number().int().min(1) }),
)
export type SequencedEvent = z.infer<typeof SequencedEvent>

/** Frames the server sends (besides sequenced conversation events). */
export const ControlFrame = z.discriminatedUnion('type', [
  /** The socket is authenticated. */
  z.object({ type: z.literal('ready'), protocol_version: z.number().int(), user_id: Id }),
  /** Subscription confirmed; replayed events (if any) follow, then live ones. */
  z.object({ type: z.literal('subscribed'), conversation_id: ConversationId, last_seq: z.number().int() }),
  /**
   * The events after `after_seq` are no longer held (or the server restarted), or events were lost between
   * replicas (Redis unreachable): reload the messages over REST, then continue from `last_seq`. It may come at
   * any time while subscribed.
   */
  z.object({ type: z.literal('resync'), conversation_id: ConversationId, last_seq: z.number().int() }),
  /** A `send` was taken (or recognised as a repeat: `duplicate: true`). */
  z.object({ type: z.literal('accepted'), client_message_id: z.string(), message_id: Id, duplicate: z.boolean() }),
  z.object({
    type: z.literal('error'),
    code: ErrorCode,
    message: z.string(),
    /** The frame type that caused it, when known. */
    frame: z.string().optional(),
    conversation_id: ConversationId.optional(),
    retry_after_seconds: z.number().optional(),
  }),
  z.object({ type: z.literal('pong') }),
  /**
   * The account's conversation list changed, here or on another device or tab: one was created, renamed, pinned,
   * archived, deleted, imported or titled by its model. Reload the list (it carries nothing else). Not sent for each
   * new message: another tab sees a conversation move to the top when it next reloads its list.
   */
  z.object({ type: z.literal('conversations.changed') }),
  /** The live dashboard figures (same body as `GET /api/analytics/summary`). */
  z.object({ type: z.literal('analytics.summary'), summary: AnalyticsSummary }),
])
export type ControlFrame = z.infer<typeof ControlFrame>

/** Anything the server sends on `GET /api/ws`. */
export type ServerFrame = ControlFrame | SequencedEvent

/** Close codes: 4001 authentication failed or session ended, 4003 forbidden origin, 4008 too slow, 4009 protocol abuse. */
export const WS_CLOSE = { unauthorized: 4001, forbidden: 4003, tooSlow: 4008, abuse: 4009 } as const

/** The documented contract's socket (`GET /api/ws/{conversation_id}?token=…`): client frame. */
export const LegacyClientFrame = z.object({ type: z.literal('message'), content: Content })
export type LegacyClientFrame = z.infer<typeof LegacyClientFrame>

/** The documented contract's server frames: deltas, one final message per reply, errors. */
export type LegacyServerFrame =
  | { type: 'delta'; content: string; message_id: string }
  | { type: 'message'; role: 'assistant'; content: string; message_id: string; timestamp: string; status: string }
  | { type: 'error'; message: string }
