import { useCallback, useState } from 'react'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { CopyButton } from '../../../components/ui/copy-button.tsx'
import { Dialog } from '../../../components/ui/dialog.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { formatDateTime, formatDays } from '../../../lib/format.ts'
import { SHARE_LIFETIME_DAYS } from '@parley/protocol'
import { shareEnd, shareUrl, useCreateShare, useDeleteShare, useShares } from '../api/shares-api.ts'

function SharePanel({ conversationId }: { conversationId: string }) {
  const shares = useShares(conversationId)
  const create = useCreateShare(conversationId)
  const remove = useDeleteShare()
  const [lifetime, setLifetime] = useState('')
  return (
    <div className="share-panel">
      <p>
        Anyone with a link can read this conversation as it is when the link is made, without signing in. Later messages
        are not in it; make a new link to share them.
      </p>
      <ErrorSummary error={create.error ?? remove.error} />
      <div className="share-create">
        <div className="field">
          <label htmlFor={`share-lifetime-${conversationId}`}>Link works</label>
          <select
            id={`share-lifetime-${conversationId}`}
            value={lifetime}
            onChange={(event) => setLifetime(event.target.value)}
          >
            <option value="">until you stop sharing</option>
            {SHARE_LIFETIME_DAYS.map((days) => (
              <option key={days} value={days}>
                for {formatDays(days)}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="button primary"
          disabled={create.isPending}
          onClick={() => create.mutate(lifetime ? Number(lifetime) : null)}
        >
          Create link
        </button>
      </div>
      <LoadError what="the links" query={shares} />
      {shares.data && shares.data.length > 0 && (
        <ul className="share-list" aria-label="Shared links">
          {shares.data.map((share) => (
            <li key={share.id}>
              <input
                className="share-url"
                readOnly
                aria-label={`Link shared ${formatDateTime(share.created_at)}`}
                value={shareUrl(share.id)}
                onFocus={(event) => event.target.select()}
              />
              <span className="muted">
                {share.message_count} messages · {formatDateTime(share.created_at)}
                {shareEnd(share)}
              </span>
              <CopyButton label="Copy link" text={() => shareUrl(share.id)} />
              <ConfirmButton
                question="Stop sharing?"
                confirmLabel="Stop sharing"
                onConfirm={() => remove.mutate(share)}
                disabled={remove.isPending}
              >
                Stop sharing
              </ConfirmButton>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** Shares a read-only copy of the conversation by link (`POST /api/conversations/{id}/shares`), or ends a link. */
export function ShareButton({ conversationId }: { conversationId: string }) {
  const [open, setOpen] = useState(false)
  const close = useCallback(() => setOpen(false), [])
  return (
    <>
      <button type="button" className="button small" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Share
      </button>
      {open && (
        <Dialog title="Share conversation" onClose={close}>
          <SharePanel conversationId={conversationId} />
          <div className="form-actions">
            <button type="button" className="button" onClick={close}>
              Close
            </button>
          </div>
        </Dialog>
      )}
    </>
  )
}
