import { useId } from 'react'
import { useWidgetChoices } from '../api/analytics-api.ts'

/** Narrows the dashboard to one website widget's visitors; shown once there is a widget to choose. */
export function WidgetPicker({ value, onChange }: { value: string; onChange: (widgetId: string) => void }) {
  const id = useId()
  const widgets = useWidgetChoices()
  const items = widgets.data?.items ?? []
  if (items.length === 0 && !value) return null
  return (
    <div className="toolbar">
      <label htmlFor={id}>Widget</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">Everything</option>
        {items.map((widget) => (
          <option key={widget.id} value={widget.id}>
            {widget.name}
          </option>
        ))}
      </select>
    </div>
  )
}
