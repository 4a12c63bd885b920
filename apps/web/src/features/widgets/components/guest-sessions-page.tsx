import type { GuestSessionInfo } from '@parley/protocol'
import { type FormEvent, useId, useState } from 'react'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { type Column, DataTable } from '../../../components/ui/data-table.tsx'
import { Dialog } from '../../../components/ui/dialog.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Pager } from '../../../components/ui/pager.tsx'
import { Page } from '../../../components/ui/panel.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import {
  type FlagFilter,
  PAGE_SIZE,
  useEndGuestSession,
  useFlagGuestSession,
  useGuestSessions,
  useTranscript,
  useWidgets,
} from '../api/widgets-api.ts'

/** Asks why a session is flagged; the reason is what other operators read in the list. */
function FlagDialog({ session, onClose }: { session: GuestSessionInfo; onClose: () => void }) {
  const [reason, setReason] = useState(session.flag?.reason ?? '')
  const flag = useFlagGuestSession()
  const id = useId()
  const submit = (event: FormEvent) => {
    event.preventDefault()
    flag.mutate({ id: session.id, reason: reason.trim() }, { onSuccess: onClose })
  }
  return (
    <Dialog title="Flag guest session" onClose={onClose}>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor={id}>Reason</label>
          <textarea
            id={id}
            value={reason}
            required
            maxLength={500}
            rows={3}
            onChange={(event) => setReason(event.target.value)}
          />
        </div>
        {flag.isError && (
          <p role="alert" className="form-error">
            {flag.error.message}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={flag.isPending || reason.trim() === ''}>
            Flag
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** A guest conversation; visitors' and model text alike render as text nodes, never as HTML. */
function Transcript({ sessionId, onClose }: { sessionId: string; onClose: () => void }) {
  const transcript = useTranscript(sessionId)
  return (
    <Dialog title="Transcript" onClose={onClose}>
      <LoadError what="the transcript" query={transcript} />
      <ol className="transcript" aria-label="Messages">
        {transcript.data?.messages.map((turn) => (
          <li key={turn.id}>
            <p>
              <strong>Visitor</strong> <span className="muted">{formatDateTime(turn.timestamp)}</span>
            </p>
            <p className="transcript-text">{turn.message}</p>
            <p>
              <strong>Assistant</strong>
              {turn.status && turn.status !== 'complete' && <span className="muted"> ({turn.status})</span>}
            </p>
            <p className="transcript-text">{turn.response ?? ''}</p>
          </li>
        ))}
      </ol>
      {transcript.data?.messages.length === 0 && <p className="muted">No messages yet.</p>}
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  )
}

/**
 * `/admin/guest-sessions`: visitors' sessions (from widgets or the API), filterable by widget and flag. Every
 * operator may flag (managers moderate too); ending a session is the admins'.
 */
export function GuestSessionsPage({ canEdit }: { canEdit: boolean }) {
  const [widgetId, setWidgetId] = useState('')
  const [flagged, setFlagged] = useState<FlagFilter>('')
  const [offset, setOffset] = useState(0)
  const [reading, setReading] = useState<string | undefined>()
  const [flagging, setFlagging] = useState<GuestSessionInfo | undefined>()
  const widgets = useWidgets()
  const sessions = useGuestSessions(widgetId, flagged, offset)
  const end = useEndGuestSession()
  const flag = useFlagGuestSession()
  const names = new Map((widgets.data?.items ?? []).map((widget) => [widget.id, widget.name]))

  const columns: Column<GuestSessionInfo>[] = [
    { header: 'Started', cell: (session) => formatDateTime(session.created_at) },
    {
      header: 'Widget',
      cell: (session) => (session.widget_id ? (names.get(session.widget_id) ?? 'Deleted widget') : '—'),
    },
    { header: 'E-mail', cell: (session) => session.email ?? '' },
    { header: 'Messages', cell: (session) => session.message_count, numeric: true },
    { header: 'Status', cell: (session) => (session.active ? 'Active' : 'Ended') },
    {
      header: 'Flag',
      cell: (session) =>
        session.flag ? (
          <span className="badge" title={`Flagged ${formatDateTime(session.flag.flagged_at)}`}>
            {session.flag.reason}
          </span>
        ) : (
          ''
        ),
    },
    {
      header: 'Actions',
      cell: (session) => (
        <div className="row-actions">
          <button type="button" className="button small" onClick={() => setReading(session.id)}>
            Transcript
          </button>
          {session.flag ? (
            <button
              type="button"
              className="button small"
              aria-label={`Unflag the session of ${formatDateTime(session.created_at)}`}
              onClick={() => flag.mutate({ id: session.id, reason: null })}
            >
              Unflag
            </button>
          ) : (
            <button type="button" className="button small" onClick={() => setFlagging(session)}>
              Flag
            </button>
          )}
          {canEdit && session.active && (
            <ConfirmButton
              className="button small danger"
              label={`End the guest session of ${session.email ?? 'an anonymous visitor'}`}
              question="End this guest session? The visitor is signed out at once."
              confirmLabel="End"
              onConfirm={() => end.mutate(session.id)}
            >
              End
            </ConfirmButton>
          )}
        </div>
      ),
    },
  ]

  return (
    <Page title="Guest sessions" wide>
      <div className="toolbar">
        <label>
          Widget{' '}
          <select
            value={widgetId}
            onChange={(event) => {
              setWidgetId(event.target.value)
              setOffset(0)
            }}
          >
            <option value="">All widgets</option>
            {widgets.data?.items.map((widget) => (
              <option key={widget.id} value={widget.id}>
                {widget.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Flag{' '}
          <select
            value={flagged}
            onChange={(event) => {
              setFlagged(event.target.value as FlagFilter)
              setOffset(0)
            }}
          >
            <option value="">All sessions</option>
            <option value="true">Flagged</option>
            <option value="false">Not flagged</option>
          </select>
        </label>
      </div>
      <LoadError what="the guest sessions" query={sessions} />
      <DataTable
        caption="Guest sessions"
        columns={columns}
        rows={sessions.data?.items ?? []}
        rowKey={(session) => session.id}
        empty="No guest sessions."
      />
      <Pager offset={offset} limit={PAGE_SIZE} total={sessions.data?.total ?? 0} onChange={setOffset} />
      {reading && <Transcript sessionId={reading} onClose={() => setReading(undefined)} />}
      {flagging && <FlagDialog session={flagging} onClose={() => setFlagging(undefined)} />}
    </Page>
  )
}
