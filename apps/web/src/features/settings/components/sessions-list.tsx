import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import { useRevokeOtherSessions, useRevokeSession, useSessions } from '../api/settings-api.ts'
import { deviceLabel } from '../model/device-label.ts'

/** Where the account is signed in, by device and browser; any session but this one can be ended, or all at once. */
export function SessionsList() {
  const sessions = useSessions()
  const revoke = useRevokeSession()
  const revokeOthers = useRevokeOtherSessions()
  const others = (sessions.data ?? []).filter((session) => !session.current).length
  return (
    <Panel
      title="Active sessions"
      actions={
        others > 0 && (
          <ConfirmButton
            question={`Sign out ${others === 1 ? 'the other session' : `all ${others} other sessions`}?`}
            confirmLabel="Sign out"
            disabled={revokeOthers.isPending}
            onConfirm={() => revokeOthers.mutate()}
          >
            Sign out other sessions
          </ConfirmButton>
        )
      }
    >
      <LoadError what="the sessions" query={sessions} />
      <ErrorSummary error={revoke.error ?? revokeOthers.error} />
      {revokeOthers.isSuccess && (
        <p role="status" className="muted">
          {revokeOthers.data.revoked === 1
            ? 'Signed out 1 other session.'
            : `Signed out ${revokeOthers.data.revoked} other sessions.`}
        </p>
      )}
      <ul className="item-list" aria-label="Sessions">
        {(sessions.data ?? []).map((session) => {
          const device = deviceLabel(session.user_agent)
          const signedIn = formatDateTime(session.created_at)
          return (
            <li key={session.id} className="item-row">
              <div className="item-main">
                <span className="item-title">
                  {device}
                  {session.current && <span className="badge">This device</span>}
                </span>
                <span className="muted small">
                  {session.ip ?? 'unknown address'} · signed in {signedIn} · last used{' '}
                  {formatDateTime(session.last_used_at)}
                </span>
              </div>
              {!session.current && (
                <ConfirmButton
                  label={`Revoke session of ${device} signed in ${signedIn}`}
                  question={`Sign out ${device}?`}
                  confirmLabel="Revoke"
                  disabled={revoke.isPending}
                  onConfirm={() => revoke.mutate(session.id)}
                >
                  Revoke
                </ConfirmButton>
              )}
            </li>
          )
        })}
      </ul>
    </Panel>
  )
}
