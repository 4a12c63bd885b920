import { useState } from 'react'
import { useClients } from '../../../lib/clients.tsx'
import { saveExport } from '../../../lib/save-file.ts'
import { type ExportReport, exportQuery } from '../api/analytics-api.ts'
import type { RangePreset } from '../model/range.ts'
import { useWidgetFilter } from '../model/widget-filter.ts'

const REPORTS: { report: ExportReport; label: string }[] = [
  { report: 'summary', label: 'Summary' },
  { report: 'users', label: 'Users' },
  { report: 'models', label: 'Models' },
  { report: 'timeseries', label: 'Messages over time' },
]

/** CSV downloads of each report over the dashboard's range. */
export function ExportButtons({ preset }: { preset: RangePreset }) {
  const { api } = useClients()
  const [failed, setFailed] = useState(false)
  const widgetId = useWidgetFilter()
  async function download(report: ExportReport) {
    setFailed(false)
    await saveExport(
      api,
      '/api/analytics/export',
      exportQuery(report, preset, 'messages', widgetId),
      `parley-${report}.csv`,
    ).catch(() => setFailed(true))
  }
  return (
    <div className="toolbar" role="group" aria-label="Export CSV">
      <span className="muted">Export CSV:</span>
      {REPORTS.map(({ report, label }) => (
        <button key={report} type="button" className="button small" onClick={() => void download(report)}>
          {label}
        </button>
      ))}
      {failed && (
        <span role="alert" className="form-error">
          The export failed.
        </span>
      )}
    </div>
  )
}
