import { z } from 'zod'
import { Id, PageQuery, Timestamp, page } from '../common.ts'

/**
 * One allowed origin of a widget: an exact origin (`https://shop.example.com`, `http://localhost:8080`), a
 * wildcard over subdomains written out (`https://*.example.com`, which does not match `example.com` itself),
 * or `null` for pages with an opaque origin (sandboxed frames, `file:`).
 */
export const OriginPattern = z
  .string()
  .max(300)
  .regex(
    /^(null|https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?)$/,
    'must be an origin such as https://shop.example.com, https://*.example.com, http://localhost:8080, or null',
  )
export type OriginPattern = z.infer<typeof OriginPattern>

/** Where the launcher bubble sits. */
export const WidgetPosition = z.enum(['bottom-right', 'bottom-left'])
export type WidgetPosition = z.infer<typeof WidgetPosition>

const limit = z.number().int().min(1).max(100_000).nullable()

/** Everything an operator sets on a widget. Limits left null use the server-wide guest settings. */
const WidgetFields = z.object({
  name: z.string().trim().min(1).max(100),
  allowed_origins: z.array(OriginPattern).min(1).max(50),
  /** A configured model id (its fallback chain applies); null for the server default. */
  model: z.string().min(1).max(200).nullable(),
  system_prompt: z.string().max(8_000).nullable(),
  greeting: z.string().max(1_000).nullable(),
  title: z.string().trim().min(1).max(100),
  accent_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #2563eb'),
  position: WidgetPosition,
  launcher_text: z.string().trim().min(1).max(40),
  /** Ask for an e-mail address before the chat starts; otherwise the chat is anonymous. */
  ask_email: z.boolean(),
  /** Visitor messages per minute, per guest session. */
  messages_per_minute: limit,
  /** Visitor messages per guest session. */
  messages_per_session: limit,
  /** Require a proof-of-work solution (ALTCHA) before a guest session starts. */
  proof_of_work: z.boolean(),
  enabled: z.boolean(),
})

/** `POST /api/admin/widgets`: only `name` and `allowed_origins` are required. */
export const CreateWidgetRequest = z.strictObject({
  name: WidgetFields.shape.name,
  allowed_origins: WidgetFields.shape.allowed_origins,
  model: WidgetFields.shape.model.default(null),
  system_prompt: WidgetFields.shape.system_prompt.default(null),
  greeting: WidgetFields.shape.greeting.default(null),
  title: WidgetFields.shape.title.default('Chat with us'),
  accent_color: WidgetFields.shape.accent_color.default('#2563eb'),
  position: WidgetPosition.default('bottom-right'),
  launcher_text: WidgetFields.shape.launcher_text.default('Chat'),
  ask_email: z.boolean().default(true),
  messages_per_minute: limit.default(null),
  messages_per_session: limit.default(null),
  proof_of_work: z.boolean().default(true),
  enabled: z.boolean().default(true),
})
export type CreateWidgetRequest = z.infer<typeof CreateWidgetRequest>

/** `PATCH /api/admin/widgets/{id}`: any subset of the fields. */
export const UpdateWidgetRequest = WidgetFields.partial().strict()
export type UpdateWidgetRequest = z.infer<typeof UpdateWidgetRequest>

/** A widget as operators see it. */
export const Widget = WidgetFields.extend({ id: Id, created_at: Timestamp, updated_at: Timestamp })
export type Widget = z.infer<typeof Widget>

/** `GET /api/admin/widgets`. */
export const WidgetListQuery = PageQuery
export const WidgetPage = page(Widget)
export type WidgetPage = z.infer<typeof WidgetPage>

/** `GET /api/widgets/{id}/config`: only what a visitor's browser needs (never the prompt, model or limits). */
export const WidgetPublicConfig = z.object({
  id: Id,
  title: z.string(),
  greeting: z.string().nullable(),
  accent_color: z.string(),
  position: WidgetPosition,
  launcher_text: z.string(),
  ask_email: z.boolean(),
  proof_of_work: z.boolean(),
})
export type WidgetPublicConfig = z.infer<typeof WidgetPublicConfig>

/** `GET /api/widgets/{id}/challenge`: an ALTCHA v2 challenge the visitor's browser solves. */
export const PowChallenge = z.object({
  parameters: z.object({
    algorithm: z.string(),
    nonce: z.string(),
    salt: z.string(),
    cost: z.number(),
    keyLength: z.number(),
    keyPrefix: z.string(),
    keySignature: z.string().optional(),
    expiresAt: z.number().optional(),
    data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  }),
  signature: z.string().optional(),
})
export type PowChallenge = z.infer<typeof PowChallenge>

/** A solved challenge, sent back with the guest-session request. */
export const PowSolution = z.object({
  challenge: PowChallenge,
  solution: z.object({
    counter: z.number().int().min(0),
    derivedKey: z.string().max(256),
    time: z.number().optional(),
  }),
})
export type PowSolution = z.infer<typeof PowSolution>

/** `?widget=<id>` on the guest routes when they are called from a widget (CORS preflights carry no body). */
export const WidgetQuery = z.object({ widget: Id.optional() })
export type WidgetQuery = z.infer<typeof WidgetQuery>
