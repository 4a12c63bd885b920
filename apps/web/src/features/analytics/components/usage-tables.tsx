import type { ModelUsage, UserUsage } from '@parley/protocol'
import { type Column, DataTable } from '../../../components/ui/data-table.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { formatCount, formatDateTime, formatMillis, formatPercent } from '../../../lib/format.ts'
import { useModelUsage, useTopUsers } from '../api/analytics-api.ts'
import { isFailing } from '../model/failing-models.ts'
import type { RangePreset } from '../model/range.ts'

const USER_COLUMNS: Column<UserUsage>[] = [
  { header: 'User', cell: (user) => user.username ?? '(deleted account)' },
  { header: 'Messages', cell: (user) => formatCount(user.messages), numeric: true },
  { header: 'Model calls', cell: (user) => formatCount(user.model_calls), numeric: true },
  { header: 'Tokens', cell: (user) => formatCount(user.tokens), numeric: true },
  { header: 'Last active', cell: (user) => formatDateTime(user.last_active_at) },
]

const MODEL_COLUMNS: Column<ModelUsage>[] = [
  {
    header: 'Model',
    cell: (model) => (
      <>
        {model.model} ({model.provider}){isFailing(model) && <span className="badge badge-blocked">Failing</span>}
      </>
    ),
  },
  { header: 'Calls', cell: (model) => formatCount(model.calls), numeric: true },
  { header: 'Error rate', cell: (model) => formatPercent(model.error_rate), numeric: true },
  { header: 'Tokens', cell: (model) => formatCount(model.prompt_tokens + model.completion_tokens), numeric: true },
  {
    header: 'Model call p50 / p95',
    cell: (model) => `${formatMillis(model.latency_p50_ms)} / ${formatMillis(model.latency_p95_ms)}`,
    numeric: true,
  },
  { header: 'First token p50', cell: (model) => formatMillis(model.ttft_p50_ms), numeric: true },
  {
    header: 'Tokens/s',
    cell: (model) => (model.tokens_per_second == null ? '—' : model.tokens_per_second.toFixed(1)),
    numeric: true,
  },
  { header: 'Rated up', cell: feedbackOf, numeric: true },
]

/** Users' thumbs on the model's replies: the share rated up, of how many rated (`75.0% of 4`), or `—`. */
function feedbackOf(model: ModelUsage): string {
  const rated = model.feedback_up + model.feedback_down
  return rated === 0 ? '—' : `${formatPercent(model.feedback_rate)} of ${formatCount(rated)}`
}

export function TopUsersTable({ preset, live }: { preset: RangePreset; live: boolean }) {
  const users = useTopUsers(preset, live)
  return (
    <Panel title="Top users">
      <LoadError what="the users report" query={users} />
      <DataTable
        caption="Top users by tokens"
        columns={USER_COLUMNS}
        rows={users.data?.users ?? []}
        rowKey={(user) => user.user_id}
      />
    </Panel>
  )
}

export function ModelsTable({ preset, live }: { preset: RangePreset; live: boolean }) {
  const models = useModelUsage(preset, live)
  return (
    <Panel title="Models">
      <LoadError what="the models report" query={models} />
      <DataTable
        caption="Usage by model"
        columns={MODEL_COLUMNS}
        rows={models.data?.models ?? []}
        rowKey={(model) => `${model.provider}/${model.model}`}
        rowClassName={(model) => (isFailing(model) ? 'row-failing' : undefined)}
      />
    </Panel>
  )
}
