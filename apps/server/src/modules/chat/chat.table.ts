import type { Selectable } from 'kysely'

export interface ConversationsTable {
  /** Server-made UUID; rows from before 2026-12-06 may hold an id a client chose (1–64 of `[A-Za-z0-9_-]`). */
  id: string
  owner_id: string
  title: string | null
  model: string | null
  system_prompt: string | null
  /** Sampling temperature and reply length cap for its replies; null: the model's default. */
  temperature?: number | null
  max_tokens?: number | null
  /** When the owner pinned it to the top of their list; null when not pinned. */
  pinned_at?: string | null
  /** When the owner archived it (out of their list, kept and readable); null when not archived. Never pinned then. */
  archived_at?: string | null
  /** 1: a temporary chat, never listed and deleted once idle for `PARLEY_TEMPORARY_CHAT_TTL`; 0: kept. */
  temporary?: number
  /** Sequence number of the conversation's last event, saved when a reply ends (never per token). */
  last_seq: number
  created_at: string
  updated_at: string
}

export interface MessagesTable {
  id: string
  conversation_id: string
  /** Position in the conversation; rows are only appended, so message 10,000 costs what message 10 did. */
  position: number
  role: 'user' | 'assistant' | 'system'
  content: string
  /** `complete`, `streaming` (being generated), `stopped`, `failed`, `interrupted` (process died mid-reply). */
  status: string
  /** The user message an assistant reply answers. */
  reply_to: string | null
  /** The message this one follows (null for a conversation's first message); see `chat.tree.repo.ts`. */
  parent_id?: string | null
  /**
   * 0 on the conversation's active branch (what history, context and export show), 1 on another branch,
   * 2 replaced by an edit before messages had parents (kept, out of the tree).
   */
  superseded: number
  client_message_id: string | null
  provider: string | null
  model: string | null
  prompt_tokens: number | null
  completion_tokens: number | null
  /** Why a `failed` or `interrupted` reply ended: a short human text and its kind (protocol `ReplyFailureKind`). */
  error: string | null
  error_kind?: string | null
  /**
   * Replies: why the model stopped writing (protocol `FinishReason`): `stop`, `length` (its token limit; the reply
   * can be continued), `stopped`, `other`. Null while streaming, for failed replies and those stored before it was.
   */
  finish_reason?: string | null
  created_at: string
  completed_at: string | null
  /** Replies: milliseconds from calling the model to its first text, and to the end. */
  ttft_ms?: number | null
  duration_ms?: number | null
  /** Replies: the replica generating it, so a reply left `streaming` by a replica that died can be found. */
  replica_id?: string | null
}

/** A user's thumbs up or down on a reply: one per reply and user, deleted with the reply. */
export interface MessageFeedbackTable {
  message_id: string
  user_id: string
  /** `up` or `down` (protocol `FeedbackRating`); taking a rating back deletes the row. */
  rating: string
  created_at: string
  updated_at: string
}

export type ConversationRow = Selectable<ConversationsTable>
export type MessageRow = Selectable<MessagesTable>
