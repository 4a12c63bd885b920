const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

/** `1234` → `1,234`; `undefined`/`null` → `—`. */
export const formatCount = (value: number | null | undefined) => (value == null ? '—' : integer.format(value))

/** `1234567` → `1.2M`, for chart axes. */
export const formatCompact = (value: number) => compact.format(value)

/** Milliseconds as `850 ms` or `1.24 s`; `null` (no data in the range) → `—`. */
export function formatMillis(value: number | null | undefined): string {
  if (value == null) return '—'
  if (Math.abs(value) < 1_000) return `${Math.round(value)} ms`
  return `${(value / 1_000).toFixed(2)} s`
}

/** A 0–1 share as a percentage: `0.0123` → `1.23%`, `0` → `0%`. */
export function formatPercent(share: number | null | undefined): string {
  if (share == null) return '—'
  if (share === 0) return '0%'
  const percent = share * 100
  return `${percent < 10 ? percent.toFixed(2) : percent.toFixed(1)}%`
}

/** A number of days: `1 day`, `7 days`. */
export const formatDays = (days: number) => (days === 1 ? '1 day' : `${days} days`)

/**
 * A lifetime in seconds in the unit a person would say: `45 minutes`, `24 hours` (up to two days), `7 days`; rounded
 * to that unit.
 */
export function formatLifetime(seconds: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`
  if (seconds < 3_600) return plural(Math.max(1, Math.round(seconds / 60)), 'minute')
  if (seconds <= 48 * 3_600) return plural(Math.round(seconds / 3_600), 'hour')
  return plural(Math.round(seconds / 86_400), 'day')
}

/** A timestamp in the reader's locale, e.g. `Mar 4, 2026, 14:05`. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime())
    ? '—'
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
