import { useId } from 'react'
import { isRangePreset, RANGE_PRESETS, type RangePreset } from '../model/range.ts'

/** The dashboard's time range and whether it follows live figures. */
export function RangePicker({
  value,
  onChange,
  live,
  onLiveChange,
}: {
  value: RangePreset
  onChange: (preset: RangePreset) => void
  live: boolean
  onLiveChange: (live: boolean) => void
}) {
  const id = useId()
  return (
    <div className="toolbar">
      <label htmlFor={id}>Range</label>
      <select
        id={id}
        value={value}
        onChange={(event) => isRangePreset(event.target.value) && onChange(event.target.value)}
      >
        {Object.entries(RANGE_PRESETS).map(([preset, { label }]) => (
          <option key={preset} value={preset}>
            {label}
          </option>
        ))}
      </select>
      <label className="checkbox">
        <input type="checkbox" checked={live} onChange={(event) => onLiveChange(event.target.checked)} /> Live refresh
      </label>
    </div>
  )
}
