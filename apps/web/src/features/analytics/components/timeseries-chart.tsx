import type { TimeseriesMetric } from '@parley/protocol'
import { useQueries } from '@tanstack/react-query'
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { useClients } from '../../../lib/clients.tsx'
import { timeseriesQuery } from '../api/analytics-api.ts'
import { useWidgetFilter } from '../model/widget-filter.ts'
import { bucketLabel, type RangePreset } from '../model/range.ts'

export interface ChartSeries {
  metric: TimeseriesMetric
  label: string
}

const COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)']

/** Rows of `{ start, <metric>: value }`, one per bucket, from series that share their buckets. */
function mergeSeries(series: ChartSeries[], points: ({ start: string; value: number | null }[] | undefined)[]) {
  const rows = new Map<string, Record<string, number | string | null>>()
  series.forEach(({ metric }, index) => {
    for (const point of points[index] ?? [])
      rows.set(point.start, { ...rows.get(point.start), start: point.start, [metric]: point.value })
  })
  return [...rows.values()].sort((a, b) => String(a.start).localeCompare(String(b.start)))
}

/** True when no series has a single value in the range (an empty chart would only show an axis with a made-up domain). */
export function hasNoData(points: ({ value: number | null }[] | undefined)[]) {
  return points.every((series) => !series?.some((point) => point.value !== null))
}

/**
 * Few values in the range (or gaps between them): each is drawn as a point, since a line through a handful of
 * buckets suggests values that were never measured.
 */
export function isSparse(points: ({ value: number | null }[] | undefined)[]) {
  return points.some((series) => {
    const measured = series?.filter((point) => point.value !== null).length ?? 0
    return measured > 0 && (measured <= 12 || measured < (series?.length ?? 0) / 2)
  })
}

/** One chart over time of one or more metrics of the same unit; `domain` fixes the value axis (e.g. `[0, 1]` for shares). */
export function TimeseriesChart({
  title,
  series,
  preset,
  live,
  format,
  domain,
}: {
  title: string
  series: ChartSeries[]
  preset: RangePreset
  live: boolean
  format: (value: number) => string
  domain?: [number, number] | undefined
}) {
  const { api } = useClients()
  const widgetId = useWidgetFilter()
  const results = useQueries({
    queries: series.map(({ metric }) => timeseriesQuery(api, metric, preset, live, widgetId)),
  })
  const rows = mergeSeries(
    series,
    results.map((result) => result.data?.points),
  )
  const empty = results.every((result) => result.isSuccess) && hasNoData(results.map((result) => result.data?.points))
  const sparse = isSparse(results.map((result) => result.data?.points))
  return (
    <Panel title={title}>
      <LoadError what="this chart" queries={results} />
      {empty ? (
        <p className="chart-empty muted">No data in this range.</p>
      ) : (
        <div className="chart" role="img" aria-label={`${title} over time`}>
          <ResponsiveContainer width="100%" height={200}>
            <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
              <XAxis
                dataKey="start"
                tickFormatter={(start: string) => bucketLabel(start, preset)}
                stroke="var(--fg-muted)"
                fontSize={12}
                minTickGap={24}
              />
              <YAxis
                domain={domain ?? [0, 'auto']}
                allowDataOverflow={domain !== undefined}
                tickFormatter={format}
                stroke="var(--fg-muted)"
                fontSize={12}
                width={56}
              />
              <Tooltip
                labelFormatter={(start) => new Date(String(start)).toLocaleString()}
                formatter={(value) => (typeof value === 'number' ? format(value) : '—')}
                contentStyle={{ background: 'var(--bg)', borderColor: 'var(--border)' }}
              />
              {series.length > 1 && <Legend />}
              {series.map(({ metric, label }, index) => (
                // Steps, never smoothed curves: a bucket's value holds for the whole bucket; gaps stay gaps.
                <Line
                  key={metric}
                  type="stepAfter"
                  dataKey={metric}
                  name={label}
                  stroke={COLORS[index % COLORS.length]}
                  dot={sparse ? { r: 3, fill: COLORS[index % COLORS.length] } : false}
                  connectNulls={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </Panel>
  )
}
