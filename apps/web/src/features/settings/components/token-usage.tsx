import { Panel } from '../../../components/ui/panel.tsx'
import { useLimits } from '../../chat/api/chat-api.ts'

const count = (value: number) => value.toLocaleString()

/**
 * Where the account stands against its daily token allowance (`GET /api/limits`), shown only when the server sets
 * one for it: the number of tokens, not a cost, since models price them differently.
 */
export function TokenUsage() {
  const daily = useLimits({ fresh: true }).data?.daily_tokens
  if (!daily) return null
  const left = Math.max(0, daily.limit - daily.used)
  return (
    <Panel title="Usage today">
      <p>
        Your replies have used {count(daily.used)} of today’s {count(daily.limit)} tokens.{' '}
        {left > 0 ? `${count(left)} left.` : 'None left: new replies can start again at midnight UTC.'}
      </p>
      <meter
        className="usage-meter"
        min={0}
        max={daily.limit}
        value={Math.min(daily.used, daily.limit)}
        aria-label="Tokens used today"
      />
      <p className="muted small">The allowance renews at midnight UTC. Replies already running always finish.</p>
    </Panel>
  )
}
