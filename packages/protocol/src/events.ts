import { z } from 'zod'
import { Id, Timestamp } from './common.ts'
import { FeedbackRating } from './rest/chat.ts'

/**
 * Domain events: what happened in Parley, published by the module where it happened and handled by subscribers
 * (analytics, notifications). The same shapes are the `data` of signed webhook deliveries, so a change that
 * removes or renames a field needs a new `DOMAIN_EVENT_VERSION`; adding an optional field does not.
 */
export const DOMAIN_EVENT_VERSION = 1

/** How a model call ended; `fallback`: a later model of the chain answered after an earlier one failed. */
export const ModelCallOutcome = z.enum(['ok', 'stopped', 'failed', 'fallback'])
export type ModelCallOutcome = z.infer<typeof ModelCallOutcome>

/** The model call behind a reply, as analytics records it. */
export const ModelCall = z.object({
  provider: z.string(),
  model: z.string(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  /** From the start of streaming to the first text; null when no text came. */
  first_token_ms: z.number().nullable(),
  duration_ms: z.number(),
  outcome: ModelCallOutcome,
  /** `timeout`, `unavailable`, `rejected`… when the call failed. */
  error_class: z.string().nullable(),
  /** Why it failed, in short human words (`connection refused`, `upstream answered 401: …`); never a key. */
  error_message: z.string().nullable().optional(),
})
export type ModelCall = z.infer<typeof ModelCall>

/** Every guard decision that analytics counts. */
export const GuardDecision = z.enum([
  'rate_limited',
  'cap_reached',
  'bot_rejected',
  'flagged',
  'blocked',
  'login_backoff',
])
export type GuardDecision = z.infer<typeof GuardDecision>

const conversationRef = {
  conversation_id: Id,
  user_id: Id,
  /** Whether the conversation belongs to a guest session (public widget). */
  guest: z.boolean(),
}

const reply = {
  ...conversationRef,
  message_id: Id,
  content: z.string(),
  call: ModelCall,
}

/** `data` of each domain event, by type. */
export const DOMAIN_EVENT_DATA = {
  'user.registered': z.object({ user_id: Id, username: z.string(), email: z.string() }),
  /** Extensible: later fields (e.g. the widget a session came from) are added as optional members. */
  'guest_session.started': z.object({
    session_id: Id,
    user_id: Id,
    /** Null for a widget that chats anonymously. */
    email: z.string().nullable(),
    ip: z.string().nullable(),
    /** The website widget the session came from; null for the plain guest API. */
    widget_id: Id.nullable().optional(),
  }),
  'conversation.created': z.object({ ...conversationRef, title: z.string().nullable() }),
  /** A user's message (not the assistant's: see `reply.*`). */
  'message.created': z.object({ ...conversationRef, message_id: Id, content: z.string() }),
  /** One model call: every attempt of a fallback chain is its own, so a failing first choice is counted too. */
  'model.called': z.object({ ...conversationRef, message_id: Id, call: ModelCall }),
  'reply.completed': z.object(reply),
  'reply.failed': z.object({ ...reply, reason: z.string().optional() }),
  /** Stopped by the user or by a shutdown; `content` is the partial text. */
  'reply.interrupted': z.object(reply),
  /** The conversation's owner rated a reply thumbs up or down, or took the rating back (`rating` null). */
  'reply.rated': z.object({
    ...conversationRef,
    message_id: Id,
    /** The model that wrote the reply (the id users pick); null for a notice that no model wrote. */
    model: z.string().nullable(),
    rating: FeedbackRating.nullable(),
  }),
  'message.flagged': z.object({
    ...conversationRef,
    message_id: Id.nullable(),
    action: z.enum(['flagged', 'blocked']),
    rules: z.array(z.string()),
    excerpt: z.string(),
  }),
  /** A limit or abuse check refused or flagged something (counted by analytics). */
  'guard.decision': z.object({ decision: GuardDecision }),
  /** Sent by an operator's "send test event"; never published by Parley itself. */
  'webhook.test': z.object({ message: z.string() }),
} as const

export type DomainEventType = keyof typeof DOMAIN_EVENT_DATA
export const DomainEventType = z.enum(Object.keys(DOMAIN_EVENT_DATA) as [DomainEventType, ...DomainEventType[]])

export type DomainEventData<T extends DomainEventType> = z.infer<(typeof DOMAIN_EVENT_DATA)[T]>

/** One domain event: also the JSON body of a webhook delivery (`{type, timestamp, data}` plus id and version). */
export type DomainEvent = {
  [T in DomainEventType]: { id: string; type: T; version: number; timestamp: string; data: DomainEventData<T> }
}[DomainEventType]

/** Parses any domain event (e.g. a webhook body). */
export const DomainEvent = z.discriminatedUnion(
  'type',
  (Object.keys(DOMAIN_EVENT_DATA) as DomainEventType[]).map((type) =>
    z.object({
      id: Id,
      type: z.literal(type),
      version: z.number().int(),
      timestamp: Timestamp,
      data: DOMAIN_EVENT_DATA[type],
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
)
