import type { GuestSessionInfo } from '@parley/protocol'
import { useState } from 'react'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { type Column, DataTable } from '../../../components/ui/data-table.tsx'
import { Dialog } from '../../../components/ui/dialog.tsx'
import { Pager } from '../../../components/ui/pager.tsx'
import { Page } from '../../../components/ui/panel.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import { PAGE_SIZE, useEndGuestSession, useGuestSessions, useTranscript, useWidgets } from '../api/widgets-api.ts'

/** A guest conversation; visitors' and model text alike render as text nodes, never as HTML. */
function Transcript({ sessionId, onClose }: { sessionId: string; onClose: () => void }) {
  const transcript = useTranscript(sessionId)
  return (
    <Dialog title="Transcript" onClose={onClose}>
      {transcript.isError && (
        <p role="alert" className="form-error">
          Could not load the transcript.
        </p>
      )}
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

/** `/admin/guest-sessions`: visitors' sessions (from widgets or the API), filterable by widget. */
export function GuestSessionsPage({ canEdit }: { canEdit: boolean }) {
  const [widgetId, setWidgetId] = useState('')
  const [offset, setOffset] = useState(0)
  const [reading, setReading] = useState<string | undefined>()
  const widgets = useWidgets()
  const sessions = useGuestSessions(widgetId, offset)
  const end = useEndGuestSession()
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
      header: 'Actions',
      cell: (session) => (
        <div className="row-actions">
          <button type="button" className="button small" onClick={() => setReading(session.id)}>
            Transcript
          </button>
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
      </div>
      {sessions.isError && (
        <p role="alert" className="form-error">
          Could not load the guest sessions.
        </p>
      )}
      <DataTable
        caption="Guest sessions"
        columns={columns}
        rows={sessions.data?.items ?? []}
        rowKey={(session) => session.id}
        empty="No guest sessions."
      />
      <Pager offset={offset} limit={PAGE_SIZE} total={sessions.data?.total ?? 0} onChange={setOffset} />
      {reading && <Transcript sessionId={reading} onClose={() => setReading(undefined)} />}
    </Page>
  )
}
