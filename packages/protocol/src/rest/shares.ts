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
  /** When the link stops working; null: until it is ended. */
  expires_at: Timestamp.nullable(),
})
export type Share = z.infer<typeof Share>

/** How long a new link may work, in days: the choices the web app offers. */
export const SHARE_LIFETIME_DAYS = [1, 7, 30] as const

/** `POST /api/conversations/{id}/shares`: optionally, how many days the link works (none: until ended). */
export const CreateShareRequest = z
  .object({
    expires_in_days: z
      .union(SHARE_LIFETIME_DAYS.map((days) => z.literal(days)))
      .nullable()
      .optional(),
  })
  .nullish()
export type CreateShareRequest = z.infer<typeof CreateShareRequest>

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
