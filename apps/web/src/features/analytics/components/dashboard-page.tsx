import { useState } from 'react'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Page } from '../../../components/ui/panel.tsx'
import { formatCompact, formatMillis, formatPercent } from '../../../lib/format.ts'
import { useSummary } from '../api/analytics-api.ts'
import { RANGE_PRESETS, type RangePreset } from '../model/range.ts'
import { WidgetFilterContext } from '../model/widget-filter.ts'
import { ExportButtons } from './export-buttons.tsx'
import { FailingModelsBanner } from './failing-models-banner.tsx'
import { MetricCards } from './metric-cards.tsx'
import { RangePicker } from './range-picker.tsx'
import { type ChartSeries, TimeseriesChart } from './timeseries-chart.tsx'
import { ModelsTable, TopUsersTable } from './usage-tables.tsx'
import { WidgetPicker } from './widget-picker.tsx'

const CHARTS: { title: string; series: ChartSeries[]; format: (value: number) => string; domain?: [number, number] }[] =
  [
    { title: 'Messages', series: [{ metric: 'messages', label: 'Messages' }], format: formatCompact },
    { title: 'Tokens', series: [{ metric: 'tokens', label: 'Tokens' }], format: formatCompact },
    { title: 'Active users', series: [{ metric: 'active_users', label: 'Active users' }], format: formatCompact },
    {
      title: 'Model call duration (whole reply)',
      series: [
        { metric: 'latency_p50', label: 'p50' },
        { metric: 'latency_p95', label: 'p95' },
        { metric: 'latency_p99', label: 'p99' },
      ],
      format: formatMillis,
    },
    {
      title: 'Time to first token (wait for the first text)',
      series: [
        { metric: 'ttft_p50', label: 'p50' },
        { metric: 'ttft_p95', label: 'p95' },
      ],
      format: formatMillis,
    },
    {
      title: 'Error rate',
      series: [{ metric: 'error_rate', label: 'Model calls failed' }],
      format: formatPercent,
      domain: [0, 1],
    },
  ]

/**
 * `/admin/analytics`: figures, charts and tables for operators over the chosen range; a model failing most of its
 * calls is called out above everything else.
 */
export function DashboardPage() {
  const [preset, setPreset] = useState<RangePreset>('24h')
  const [live, setLive] = useState(true)
  const [widgetId, setWidgetId] = useState('')
  return (
    <WidgetFilterContext value={widgetId || undefined}>
      <Page title="Dashboard" wide>
        <RangePicker value={preset} onChange={setPreset} live={live} onLiveChange={setLive} />
        <WidgetPicker value={widgetId} onChange={setWidgetId} />
        <DashboardReports preset={preset} live={live} />
      </Page>
    </WidgetFilterContext>
  )
}

/** Everything the dashboard shows, for the chosen range and widget. */
function DashboardReports({ preset, live }: { preset: RangePreset; live: boolean }) {
  const summary = useSummary(preset, live)
  return (
    <>
      <LoadError what="the figures" query={summary} />
      <FailingModelsBanner preset={preset} live={live} />
      {summary.data && <MetricCards summary={summary.data} rangeLabel={RANGE_PRESETS[preset].label} />}
      <div className="chart-grid">
        {CHARTS.map((chart) => (
          <TimeseriesChart key={chart.title} {...chart} preset={preset} live={live} />
        ))}
      </div>
      <TopUsersTable preset={preset} live={live} />
      <ModelsTable preset={preset} live={live} />
      <ExportButtons preset={preset} />
    </>
  )
}
