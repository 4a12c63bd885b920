import { z } from 'zod'
import { ErrorCode } from './errors.ts'
import { Id } from './common.ts'
import { Conversation, FinishReason, Message } from './rest/chat.ts'

/** Token usage of one reply. */
export const Usage = z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() })
export type Usage = z.infer<typeof Usage>

/**
 * Events of a conversation as a reply is produced: the same events travel as SSE (`event:` = type) and,
 * with a sequence number, over the WebSocket.
 */
export const ChatEvent = z.discriminatedUnion('type', [
  /** A message was stored (the user's, before the model is called). */
  z.object({ type: z.literal('message.created'), message: Message }),
  /** The assistant reply exists and text is about to stream. */
  z.object({ type: z.literal('reply.started'), message: Message }),
  /** The next piece of reply text. */
  z.object({ type: z.literal('reply.delta'), message_id: Id, text: z.string() }),
  /** The reply is stored in full (also when stopped early: `finish_reason: "stopped"`). */
  z.object({ type: z.literal('reply.completed'), message: Message, usage: Usage, finish_reason: FinishReason }),
  /**
   * A message left the active branch: an edited user message or a regenerated reply and everything after it
   * (`following: true`; it is kept as an older version). `following: false` (only that message) is no longer sent
   * but still accepted by clients. Its replacement follows as new messages.
   */
  z.object({ type: z.literal('message.superseded'), message_id: Id, following: z.boolean() }),
  /**
   * The replica generating the reply went away (killed, crashed) before it ended: the text received so far is
   * kept with status `interrupted`. Published by another replica once it finds the first one dead.
   */
  z.object({ type: z.literal('reply.interrupted'), message: Message }),
  /**
   * The active branch changed (`PUT /api/conversations/{id}/branch`): it now runs through `message_id`. Reload the
   * messages over REST.
   */
  z.object({ type: z.literal('branch.selected'), message_id: Id }),
  /**
   * The conversation changed without its owner asking: a title written by its model from the first exchange,
   * after the first reply (`PARLEY_AUTO_TITLES`). Carries the conversation as `GET /api/conversations/{id}` gives it.
   */
  z.object({ type: z.literal('conversation.updated'), conversation: Conversation }),
  /** No model could answer; the user message is kept and the reply is stored as failed (`message.failure` says why). */
  z.object({
    type: z.literal('reply.failed'),
    message: Message,
    error: z.object({ code: ErrorCode, message: z.string() }),
  }),
])
export type ChatEvent = z.infer<typeof ChatEvent>

/**
 * What a Server-Sent Events response carries: the conversation's events, and an `error` event for a failure after
 * the stream opened (its status line has already said 200).
 */
export type StreamedChatEvent = ChatEvent | { type: 'error'; error: { code: ErrorCode; message: string } }
