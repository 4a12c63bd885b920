import { z } from 'zod'
import { Id, Timestamp } from '../common.ts'

/** A shared link's id: unguessable (144 random bits), and the whole of what reading it needs. */
export const ShareId = z.string().regex(/^[A-Za-z0-9_-]{24}$/, 'is not a share id')
export type ShareId = z.infer<typeof ShareId>

/** A link to a read-only copy of a conversation as it was when shared; its owner's view. */
export const Share = z.object({
  id: ShareId,
  conversation_id: Id,
  /** The conversation's title when shared. */
  title: z.string(),
  message_count: z.number().int(),
  created_at: Timestamp,
})
export type Share = z.infer<typeof Share>

/** One message of a shared copy: no ids, no owner, nothing but what was said and by which model. */
export const SharedMessage = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  /** The model that wrote a reply; null for the user's messages. */
  model: z.string().nullable(),
  created_at: Timestamp,
})
export type SharedMessage = z.infer<typeof SharedMessage>

/** What anyone with the link reads (`GET /api/shared/{share_id}`), without signing in. */
export const SharedConversation = z.object({
  title: z.string(),
  /** When the copy was taken: later messages are not in it. */
  shared_at: Timestamp,
  messages: z.array(SharedMessage),
})
export type SharedConversation = z.infer<typeof SharedConversation>
