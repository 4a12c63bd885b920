import { z } from 'zod'

/** ISO-8601 UTC timestamp, e.g. `2026-11-23T15:00:00.000Z`. */
export const Timestamp = z.string()
export type Timestamp = z.infer<typeof Timestamp>

/** Opaque identifier (UUID for server-made ids). */
export const Id = z.string().min(1).max(64)
export type Id = z.infer<typeof Id>

/** Query parameters of paginated list endpoints. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
export type PageQuery = z.infer<typeof PageQuery>

/** Wraps a list of items with the total count for paging. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int() })
