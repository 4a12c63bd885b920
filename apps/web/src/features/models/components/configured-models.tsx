import type { AdminModel, ModelTestResult } from '@parley/protocol'
import { useState } from 'react'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { formatCount, formatDateTime, formatMillis, formatPercent } from '../../../lib/format.ts'
import { useSetDefaultModel, useTestModel } from '../api/models-api.ts'

const STATUS_TEXT = { ok: 'working', failing: 'failing', unknown: 'not called yet' } as const

function StatusBadge({ model }: { model: AdminModel }) {
  const className = model.status === 'failing' ? 'badge model-failing' : 'badge'
  return <span className={className}>{STATUS_TEXT[model.status]}</span>
}

function TestOutcome({ result }: { result: ModelTestResult }) {
  if (result.ok)
    return (
      <p role="status" className="model-test ok">
        Answered in {formatMillis(result.latency_ms)}
        {result.reply && <>: “{result.reply}”</>}
      </p>
    )
  return (
    <p role="status" className="model-test failed">
      Failed after {formatMillis(result.latency_ms)}: {result.failure?.message}
    </p>
  )
}

/** The models users can pick, with what each did last and the Test and "Use as default" actions. */
export function ConfiguredModels({ models }: { models: AdminModel[] }) {
  const test = useTestModel()
  const setDefault = useSetDefaultModel()
  const [results, setResults] = useState<Record<string, ModelTestResult>>({})

  const runTest = (id: string) =>
    test.mutate(id, { onSuccess: (result) => setResults((previous) => ({ ...previous, [id]: result })) })

  return (
    <Panel title="Models in use">
      <ErrorSummary error={test.error ?? setDefault.error} />
      <ul className="item-list" aria-label="Models">
        {models.map((model) => (
          <li key={model.id} className="item-row model-row" aria-label={model.label}>
            <div className="item-main">
              <span className="item-title">
                <strong>{model.label}</strong> <code>{model.id}</code>
                {model.default && <span className="badge">default</span>}
                {model.demo && <span className="badge">demo</span>}
                <StatusBadge model={model} />
              </span>
              <span className="muted small">
                {model.provider === 'local' ? 'embedded llama.cpp' : model.provider}
                {model.source === 'catalogue' && ' · downloaded here'}
                {model.fallback.length > 0 && ` · falls back to ${model.fallback.join(' → ')}`}
                {` · ${formatCount(model.usage.calls)} calls in 30 days, ${formatPercent(model.usage.error_rate)} failed`}
                {model.last_ok_at && ` · last answer ${formatDateTime(model.last_ok_at)}`}
                {model.last_latency_ms !== null && ` in ${formatMillis(model.last_latency_ms)}`}
              </span>
              {model.last_error && (
                <span className="item-error small">
                  Last error ({formatDateTime(model.last_error.at)}): {model.last_error.message}
                </span>
              )}
              {results[model.id] && <TestOutcome result={results[model.id]!} />}
            </div>
            <div className="model-actions">
              <button
                type="button"
                className="button small"
                onClick={() => runTest(model.id)}
                disabled={test.isPending && test.variables === model.id}
              >
                {test.isPending && test.variables === model.id ? 'Testing…' : 'Test'}
              </button>
              {!model.default && (
                <button
                  type="button"
                  className="button small"
                  onClick={() => setDefault.mutate(model.id)}
                  disabled={setDefault.isPending}
                >
                  Use as default
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </Panel>
  )
}
