import { formatCount } from '../../../lib/format.ts'
import { useModelUsage } from '../api/analytics-api.ts'
import { failingModels } from '../model/failing-models.ts'
import { RANGE_PRESETS, type RangePreset } from '../model/range.ts'

/** A warning at the top of the dashboard for each model that failed most of its calls in the range. */
export function FailingModelsBanner({ preset, live }: { preset: RangePreset; live: boolean }) {
  const failing = failingModels(useModelUsage(preset, live).data?.models ?? [])
  if (failing.length === 0) return null
  const range = RANGE_PRESETS[preset].label.toLowerCase()
  return (
    <div className="warning-banner" role="alert" aria-label="Failing models">
      {failing.map((model) => (
        <p key={`${model.provider}/${model.model}`}>
          <strong>
            {model.model} ({model.provider})
          </strong>{' '}
          failed {formatCount(model.failed)} of its {formatCount(model.calls)} calls in the {range}. Check its settings
          and the reason stored with its failed replies.
        </p>
      ))}
    </div>
  )
}
