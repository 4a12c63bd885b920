import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { CopyButton } from '../../../components/ui/copy-button.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import { shareEnd, shareUrl, useAllShares, useDeleteShare } from '../../chat/api/shares-api.ts'

/** Every link the account shared, to copy or end from one place (a conversation's own are under its Share). */
export function SharedLinks() {
  const shares = useAllShares()
  const remove = useDeleteShare()
  return (
    <Panel title="Shared links">
      <ErrorSummary error={remove.error} />
      <LoadError what="your shared links" query={shares} />
      {shares.isSuccess && shares.data.length === 0 && <p className="muted">You have not shared a conversation.</p>}
      <ul className="item-list" aria-label="Shared links">
        {(shares.data ?? []).map((share) => (
          <li key={share.id} className="item-row">
            <div className="item-main">
              <a className="item-title shared-link" href={`/s/${share.id}`} target="_blank" rel="noopener noreferrer">
                {share.title}
              </a>
              <span className="muted small">
                {share.message_count} messages · shared {formatDateTime(share.created_at)}
                {shareEnd(share)}
              </span>
            </div>
            <CopyButton label={`Copy link to ${share.title}`} text={() => shareUrl(share.id)} />
            <ConfirmButton
              label={`Stop sharing ${share.title}`}
              question={`Stop sharing “${share.title}”? The link stops working at once.`}
              confirmLabel="Stop sharing"
              disabled={remove.isPending}
              onConfirm={() => remove.mutate(share)}
            >
              Stop sharing
            </ConfirmButton>
          </li>
        ))}
      </ul>
    </Panel>
  )
}
