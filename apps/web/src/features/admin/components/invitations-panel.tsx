import type { Invitation } from '@parley/protocol'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { type Column, DataTable } from '../../../components/ui/data-table.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import { roleNameOf } from '../../../lib/roles.ts'
import { useInvitations, useRemoveInvitation } from '../api/invitations-api.ts'

const STATUS = { pending: 'Waiting', accepted: 'Accepted', expired: 'Expired' } as const

function RemoveInvitation({ invitation }: { invitation: Invitation }) {
  const remove = useRemoveInvitation()
  const pending = invitation.status === 'pending'
  return (
    <ConfirmButton
      label={`${pending ? 'Withdraw' : 'Remove'} the invitation made ${formatDateTime(invitation.created_at)}`}
      question={pending ? 'Its link stops working. Withdraw?' : 'Remove it from the list?'}
      confirmLabel={pending ? 'Withdraw' : 'Remove'}
      onConfirm={() => remove.mutate(invitation.id)}
      disabled={remove.isPending}
    >
      {pending ? 'Withdraw' : 'Remove'}
    </ConfirmButton>
  )
}

const columns = (editable: boolean): Column<Invitation>[] => [
  { header: 'Role', cell: (invitation) => roleNameOf(invitation.roles) },
  { header: 'For', cell: (invitation) => invitation.email ?? 'Anyone with the link' },
  { header: 'Status', cell: (invitation) => STATUS[invitation.status] },
  { header: 'Made', cell: (invitation) => formatDateTime(invitation.created_at) },
  { header: 'Expires', cell: (invitation) => formatDateTime(invitation.expires_at) },
  ...(editable ? [{ header: '', cell: (invitation: Invitation) => <RemoveInvitation invitation={invitation} /> }] : []),
]

/** The invitations made, newest first: admins withdraw them, managers only read. */
export function InvitationsPanel({ canEdit }: { canEdit: boolean }) {
  const invitations = useInvitations()
  return (
    <Panel title="Invitations">
      <LoadError what="the invitations" query={invitations} />
      <DataTable
        caption="Invitations"
        columns={columns(canEdit)}
        rows={invitations.data ?? []}
        rowKey={(invitation) => invitation.id}
        empty="No invitation yet."
      />
    </Panel>
  )
}
