import { z } from 'zod'

/** ISO-8601 UTC timestamp, e.g. `2026-11-23T15:00:00.000Z`. */
export const Timestamp = z.string()
export type Timestamp = z.infer<typeof Timestamp>

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const NOT_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Text sent by clients: no NUL character and no unpaired UTF-16 surrogate. Neither is text, and PostgreSQL refuses
 * both (SQLite stores them), so every text field of a request uses this, and both databases answer 400
 * `validation_failed` alike.
 * @example Text.trim().min(1).max(200)
 */
export const Text = z.string().refine((value) => !NOT_TEXT.test(value), {
  message: 'must not contain NUL characters or unpaired surrogates',
})

/** Opaque identifier (UUID for server-made ids). */
export const Id = Text.min(1).max(64)
export type Id = z.infer<typeof Id>

/** Query parameters of paginated list endpoints. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
export type PageQuery = z.infer<typeof PageQuery>

/** Wraps a list of items with the total count for paging. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() })
