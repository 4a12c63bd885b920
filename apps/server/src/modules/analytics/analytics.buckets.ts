import { badRequest } from '../../shared/errors.ts'

/** Bucket sizes; rollups exist for `hour` and `day`, `minute` reads raw events. */
export type Period = 'minute' | 'hour' | 'day'
export type RollupPeriod = Exclude<Period, 'minute'>

/** Length of the ISO-time prefix that names a bucket: `2026-03-10T14:05` / `2026-03-10T14` / `2026-03-10`. */
export const PREFIX_LENGTH: Record<Period, number> = { minute: 16, hour: 13, day: 10 }
export const PERIOD_MS: Record<Period, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }
const PREFIX_SUFFIX: Record<Period, string> = { minute: ':00.000Z', hour: ':00:00.000Z', day: 'T00:00:00.000Z' }

/** The most buckets one time series may hold, so a request cannot ask for millions of rows. */
const MAX_BUCKETS = 2_000

/** A half-open time range `[from, to)` as ISO strings, which compare correctly as text. */
export interface TimeRange {
  from: string
  to: string
}

export const bucketOf = (iso: string, period: Period) => iso.slice(0, PREFIX_LENGTH[period])
export const bucketStart = (prefix: string, period: Period) => `${prefix}${PREFIX_SUFFIX[period]}`

// UTC has no leap seconds in JavaScript time, so every bucket boundary is a multiple of its length since the epoch.
export const floorTo = (ms: number, period: Period) => Math.floor(ms / PERIOD_MS[period]) * PERIOD_MS[period]
const ceilTo = (ms: number, period: Period) => Math.ceil(ms / PERIOD_MS[period]) * PERIOD_MS[period]

/**
 * Aligns a requested range to whole buckets: `from` rounds down, `to` up; a missing `to` is the end of the
 * current bucket and a missing `from` is `defaultBuckets` before it.
 */
export function alignRange(
  query: { from?: string | undefined; to?: string | undefined },
  period: Period,
  nowMs: number,
  defaultBuckets: number,
): TimeRange {
  const to = query.to ? ceilTo(Date.parse(query.to), period) : floorTo(nowMs, period) + PERIOD_MS[period]
  const from = query.from ? floorTo(Date.parse(query.from), period) : to - defaultBuckets * PERIOD_MS[period]
  if (from >= to)
    throw badRequest('from must be before to', [{ path: 'querystring.from', message: 'must be before to' }])
  if ((to - from) / PERIOD_MS[period] > MAX_BUCKETS) {
    throw badRequest(`The range holds more than ${MAX_BUCKETS} ${period} buckets`, [
      { path: 'querystring.from', message: 'range is too long for this bucket' },
    ])
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
}

/** Every bucket prefix of an aligned range, oldest first. */
export function bucketsOf(range: TimeRange, period: Period): string[] {
  const buckets: string[] = []
  for (let ms = Date.parse(range.from); ms < Date.parse(range.to); ms += PERIOD_MS[period]) {
    buckets.push(bucketOf(new Date(ms).toISOString(), period))
  }
  return buckets
}
