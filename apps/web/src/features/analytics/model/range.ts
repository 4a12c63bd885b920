import type { TimeseriesBucket } from '@parley/protocol'

/** The dashboard's ranges: each ends now and has a bucket size that gives a readable number of points. */
export const RANGE_PRESETS = {
  '1h': { label: 'Last hour', ms: 60 * 60_000, bucket: 'minute' },
  '24h': { label: 'Last 24 hours', ms: 24 * 60 * 60_000, bucket: 'hour' },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * 60 * 60_000, bucket: 'hour' },
  '30d': { label: 'Last 30 days', ms: 30 * 24 * 60 * 60_000, bucket: 'day' },
} as const satisfies Record<string, { label: string; ms: number; bucket: TimeseriesBucket }>

export type RangePreset = keyof typeof RANGE_PRESETS

export interface DashboardRange {
  from: string
  to: string
  bucket: TimeseriesBucket
}

export const isRangePreset = (value: string): value is RangePreset => Object.hasOwn(RANGE_PRESETS, value)

/** The range a preset covers at `now` (ISO timestamps; the server rounds them to whole buckets). */
export function rangeFor(preset: RangePreset, now: number): DashboardRange {
  const { ms, bucket } = RANGE_PRESETS[preset]
  return { from: new Date(now - ms).toISOString(), to: new Date(now).toISOString(), bucket }
}

/** Label of a bucket's start on a chart axis: times for minutes and hours within a day, dates otherwise. */
export function bucketLabel(start: string, preset: RangePreset): string {
  const date = new Date(start)
  if (preset === '1h' || preset === '24h')
    return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
  if (preset === '7d') return date.toLocaleString(undefined, { weekday: 'short', hour: '2-digit' })
  return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
}
