import { Panel } from '../../../components/ui/panel.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import { useRevokeSession, useSessions } from '../api/settings-api.ts'

/** Where the account is signed in; any session but this one can be ended. */
export function SessionsList() {
  const sessions = useSessions()
  const revoke = useRevokeSession()
  return (
    <Panel title="Active sessions">
      {sessions.isError && (
        <p role="alert" className="form-error">
          Could not load the sessions.
        </p>
      )}
      <ul className="item-list" aria-label="Sessions">
        {(sessions.data ?? []).map((session) => (
          <li key={session.id} className="item-row">
            <div className="item-main">
              <span className="item-title">
                {session.user_agent ?? 'Unknown device'}
                {session.current && <span className="badge">This device</span>}
              </span>
              <span className="muted small">
                {session.ip ?? 'unknown address'} · signed in {formatDateTime(session.created_at)} · last used{' '}
                {formatDateTime(session.last_used_at)}
              </span>
            </div>
            {!session.current && (
              <button
                type="button"
                className="button small"
                disabled={revoke.isPending}
                onClick={() => revoke.mutate(session.id)}
                aria-label={`Revoke session from ${session.ip ?? 'unknown address'} signed in ${formatDateTime(session.created_at)}`}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </Panel>
  )
}
