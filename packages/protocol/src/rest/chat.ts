import { z } from 'zod'
import { Id, Text, Timestamp } from '../common.ts'

/** Conversation ids chosen by clients (the documented WebSocket contract): 1–64 of `[A-Za-z0-9_-]`. */
export const ConversationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "_" or "-"')

/** Longest message a user may send, in characters. */
export const MAX_MESSAGE_LENGTH = 32_000

/** `GET /api/limits`: the limits the server applies to the signed-in principal's messages, so clients can say so before sending. */
export const ChatLimits = z.object({
  /** Longest message accepted, in characters (`PARLEY_MAX_MESSAGE_LENGTH`). */
  max_message_length: z.number().int().positive(),
  /** Messages per minute this principal may send. */
  messages_per_minute: z.number().int().positive(),
  /** How long a temporary chat is kept after its last message, in seconds (`PARLEY_TEMPORARY_CHAT_TTL`). */
  temporary_chat_ttl_seconds: z.number().int().positive(),
  /**
   * The tokens this principal's replies may use per UTC day (`PARLEY_USER_DAILY_TOKEN_LIMIT`) and how many today's
   * have used so far; null when no daily limit applies (none set, an admin, a guest session).
   */
  daily_tokens: z.object({ limit: z.number().int().positive(), used: z.number().int().min(0) }).nullable(),
})
export type ChatLimits = z.infer<typeof ChatLimits>

/**
 * Bounds of a conversation's settings: the one place the API validates them against and clients read them from.
 * `temperature` 0 is the most predictable; `max_tokens` caps the length of each reply. Providers that accept less
 * (Anthropic: temperature ≤ 1) clamp to their own range.
 */
export const CONVERSATION_SETTINGS = {
  system_prompt: { max_length: 8_000 },
  temperature: { min: 0, max: 2, step: 0.1 },
  max_tokens: { min: 1, max: 32_000 },
} as const

/** A conversation's system prompt; null for none. */
export const SystemPrompt = Text.max(CONVERSATION_SETTINGS.system_prompt.max_length).nullable()
/** Sampling temperature of a conversation's replies; null for the model's default. */
export const Temperature = z
  .number()
  .min(CONVERSATION_SETTINGS.temperature.min)
  .max(CONVERSATION_SETTINGS.temperature.max)
  .nullable()
/** Most tokens one reply may have; null for the model's default. */
export const MaxTokens = z
  .number()
  .int()
  .min(CONVERSATION_SETTINGS.max_tokens.min)
  .max(CONVERSATION_SETTINGS.max_tokens.max)
  .nullable()

/** A conversation as the API shows it. */
export const Conversation = z.object({
  id: ConversationId,
  title: z.string().nullable(),
  model: z.string().nullable(),
  system_prompt: z.string().nullable(),
  /** Sampling temperature for its replies; null: the model's default. */
  temperature: z.number().nullable(),
  /** Longest reply in tokens; null: the model's default. */
  max_tokens: z.number().int().nullable(),
  /** Pinned by its owner: listed in a group of its own above the others. */
  pinned: z.boolean(),
  /** Archived by its owner: left out of the list unless asked for (`archived=true`); still readable. Never pinned. */
  archived: z.boolean(),
  /**
   * A temporary chat: never listed, searched or exported with the others, never pinned or archived, and deleted with
   * its messages once nothing was written in it for `PARLEY_TEMPORARY_CHAT_TTL` (24 h by default).
   */
  temporary: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
})
export type Conversation = z.infer<typeof Conversation>

/**
 * A conversation in `GET /api/conversations/`. With `q`, `match` shows where its messages matched: the newest visible
 * message that did, and the words around the first match in it (absent when only the title matched).
 */
export const ConversationListItem = Conversation.extend({
  match: z.object({ message_id: Id, excerpt: z.string() }).optional(),
})
export type ConversationListItem = z.infer<typeof ConversationListItem>

/** `POST /api/conversations/`. */
export const CreateConversationRequest = z
  .object({
    title: Text.trim().min(1).max(200).nullable().optional(),
    model: Text.min(1).max(200).nullable().optional(),
    system_prompt: SystemPrompt.optional(),
    temperature: Temperature.optional(),
    max_tokens: MaxTokens.optional(),
    /** Start a temporary chat (see `Conversation.temporary`); it cannot be made a kept one later. */
    temporary: z.boolean().optional(),
  })
  .optional()
export type CreateConversationRequest = z.infer<typeof CreateConversationRequest>

/** `PATCH /api/conversations/{id}`: only the fields given change; null clears a setting. */
export const UpdateConversationRequest = z.strictObject({
  title: Text.trim().min(1).max(200).nullable().optional(),
  model: Text.min(1).max(200).nullable().optional(),
  system_prompt: SystemPrompt.optional(),
  temperature: Temperature.optional(),
  max_tokens: MaxTokens.optional(),
  /**
   * Pin to (or unpin from) the top of the list; pinning alone does not change `updated_at`, and takes the
   * conversation out of the archive.
   */
  pinned: z.boolean().optional(),
  /** Archive (or unarchive); archiving alone does not change `updated_at`, and unpins. Not with `pinned: true`. */
  archived: z.boolean().optional(),
})
export type UpdateConversationRequest = z.infer<typeof UpdateConversationRequest>

/**
 * `POST /api/conversations/{id}/fork`: a new conversation holding this one's active branch up to and including
 * `message_id` (a reply on it), with its settings, to go on from there without changing this one.
 */
export const ForkConversationRequest = z.strictObject({ message_id: Id })
export type ForkConversationRequest = z.infer<typeof ForkConversationRequest>

/** A query-string boolean: `true` or `false`. */
const QueryBoolean = z
  .enum(['true', 'false'])
  .transform((value) => value === 'true')
  .optional()

/**
 * `GET /api/conversations/`: newest first; `cursor` comes from the previous page's `x-next-cursor` header.
 * Archived conversations are left out; `archived=true` lists only them. `pinned=true` lists only pinned
 * conversations, `pinned=false` only the others; without it, all of them.
 */
export const ListConversationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: Text.max(200).optional(),
  q: Text.trim().min(1).max(200).optional(),
  pinned: QueryBoolean,
  archived: QueryBoolean,
})
export type ListConversationsQuery = z.infer<typeof ListConversationsQuery>

/** States of a message; replies start `streaming` and end in one of the others. */
export const MessageStatus = z.enum(['complete', 'streaming', 'stopped', 'failed', 'interrupted'])
export type MessageStatus = z.infer<typeof MessageStatus>

/**
 * Why a reply failed or was interrupted: `unreachable` (no connection to the model's server), `upstream_error`
 * (it answered an error status), `first_token_timeout`, `stream_broken` (the stream broke, or fell silent, after
 * text began), `unavailable` (any other model failure, e.g. a model file that cannot load), `interrupted` (the
 * server stopped while the reply was being written).
 */
export const ReplyFailureKind = z.enum([
  'unreachable',
  'upstream_error',
  'first_token_timeout',
  'stream_broken',
  'unavailable',
  'interrupted',
])
export type ReplyFailureKind = z.infer<typeof ReplyFailureKind>

/**
 * The reason stored with a `failed` or `interrupted` reply: a kind to act on and a short human text, e.g.
 * `{ kind: 'upstream_error', message: 'fake: upstream answered 401' }`. Never contains the prompt or a key.
 */
export const ReplyFailure = z.object({ kind: ReplyFailureKind, message: z.string() })
export type ReplyFailure = z.infer<typeof ReplyFailure>

/**
 * Why a reply ended: the model finished (`stop`), reached its token limit (`length`: the reply is cut off and can be
 * continued), the user stopped it (`stopped`), it failed (`error`), or the model gave another reason (`other`).
 */
export const FinishReason = z.enum(['stop', 'length', 'stopped', 'error', 'other'])
export type FinishReason = z.infer<typeof FinishReason>

/** A user's rating of a reply: thumbs up or down. */
export const FeedbackRating = z.enum(['up', 'down'])
export type FeedbackRating = z.infer<typeof FeedbackRating>

/** A message as the API shows it. */
export const Message = z.object({
  id: Id,
  conversation_id: ConversationId,
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  status: MessageStatus,
  model: z.string().nullable(),
  prompt_tokens: z.number().int().nullable(),
  completion_tokens: z.number().int().nullable(),
  /** Replies: milliseconds to the first text and to the end (null for user messages and old replies). */
  ttft_ms: z.number().int().nullable().optional(),
  duration_ms: z.number().int().nullable().optional(),
  /** Why a `failed` or `interrupted` reply ended; null otherwise. */
  failure: ReplyFailure.nullable().optional(),
  /** Why a reply that ended stopped being written (`length`: cut off at its token limit); null otherwise. */
  finish_reason: FinishReason.nullable().optional(),
  /**
   * The message this one follows in the conversation's tree (null for a first message). An edit or a regeneration
   * adds a sibling (same parent); the conversation shows one branch at a time (its active branch).
   */
  parent_id: Id.nullable().optional(),
  /**
   * This message and its alternative versions (the siblings an edit or a regeneration made), oldest first: a
   * switcher shows `‹ index+1 / length ›`. Given in message lists and in the events of a new version.
   */
  versions: z.array(Id).optional(),
  /** Replies in history: the conversation owner's rating of it, null when unrated (absent in live events). */
  feedback: FeedbackRating.nullable().optional(),
  /**
   * A reply still `streaming`, in a message list: its `content` is the text so far, up to this event of the
   * conversation (`seq`); `reply.delta` events with a higher `seq` continue it. Absent otherwise.
   */
  content_seq: z.number().int().optional(),
  created_at: Timestamp,
})
export type Message = z.infer<typeof Message>

type ReplyEnding = { status: string; finish_reason?: string | null | undefined }

/** The model stopped at its token limit: the reply is stored in full, but the model had more to say. */
export const cutAtTokenLimit = (reply: ReplyEnding) => reply.status === 'complete' && reply.finish_reason === 'length'

/**
 * A reply the model did not finish: stopped, interrupted, failed part-way, or cut off at its token limit. Continue
 * (the WebSocket `continue` frame) appends to such a reply.
 */
export const endedEarly = (reply: ReplyEnding) =>
  reply.status === 'stopped' || reply.status === 'interrupted' || reply.status === 'failed' || cutAtTokenLimit(reply)

/** `PUT /api/conversations/{id}/messages/{message_id}/feedback`: rate a reply, or clear the rating with null. */
export const PutFeedbackRequest = z.strictObject({ rating: FeedbackRating.nullable() })
export type PutFeedbackRequest = z.infer<typeof PutFeedbackRequest>

/** A reply's rating as stored. */
export const MessageFeedback = z.object({ message_id: Id, rating: FeedbackRating.nullable() })
export type MessageFeedback = z.infer<typeof MessageFeedback>

/** A model users may pick (`GET /api/models`). */
export const ModelInfo = z.object({
  id: z.string(),
  label: z.string(),
  default: z.boolean(),
  /** The built-in demo model (no real model configured): its only reply explains how to configure one. */
  demo: z.boolean(),
})
export type ModelInfo = z.infer<typeof ModelInfo>

/** `POST /api/conversations/{id}/messages`; `role` and `conversation_id` of the documented contract are accepted. */
export const PostMessageRequest = z.object({
  content: Text.min(1, 'must not be empty').max(MAX_MESSAGE_LENGTH),
  role: z.literal('user').optional(),
  conversation_id: Text.optional(),
  model: Text.min(1).max(200).optional(),
})
export type PostMessageRequest = z.infer<typeof PostMessageRequest>

/** The stored user message and the stored reply. */
export const PostMessageResponse = z.object({ user_message: Message, assistant_message: Message })
export type PostMessageResponse = z.infer<typeof PostMessageResponse>

/** `GET /api/conversations/{id}/messages`: oldest first; `before` pages back from a message id. */
export const ListMessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: Id.optional(),
})
export type ListMessagesQuery = z.infer<typeof ListMessagesQuery>

/**
 * `PUT /api/conversations/{id}/branch`: make the branch through `message_id` (one of the versions of a message)
 * the active one. Below that message the branch follows its most recent message.
 */
export const SelectBranchRequest = z.object({ message_id: Id })
export type SelectBranchRequest = z.infer<typeof SelectBranchRequest>

/** `DELETE /api/conversations/`: how many conversations (each with its messages) were deleted. */
export const DeleteAllConversationsResponse = z.object({ deleted: z.number().int().min(0) })
export type DeleteAllConversationsResponse = z.infer<typeof DeleteAllConversationsResponse>

/** A conversation an import left out, and why (e.g. "no text messages"); `index` is its place in the file. */
export const SkippedImport = z.object({ index: z.number().int(), title: z.string().nullable(), reason: z.string() })
export type SkippedImport = z.infer<typeof SkippedImport>

/**
 * `POST /api/conversations/import`: the body is a file as exported (Parley's JSON export of a conversation, an
 * array of them, or the `conversations.json` of ChatGPT's or Claude's data export). Imported conversations are new
 * (new ids, the caller's), keep their titles and dates, and hold each source conversation's current branch.
 */
export const ImportConversationsResponse = z.object({
  imported: z.array(Conversation),
  skipped: z.array(SkippedImport),
})
export type ImportConversationsResponse = z.infer<typeof ImportConversationsResponse>
