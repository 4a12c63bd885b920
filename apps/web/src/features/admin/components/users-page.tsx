import type { AdminUser } from '@parley/protocol'
import { useState } from 'react'
import { type Column, DataTable } from '../../../components/ui/data-table.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Pager } from '../../../components/ui/pager.tsx'
import { Page } from '../../../components/ui/panel.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import { useDebouncedValue } from '../../../lib/use-debounced-value.ts'
import { useSignInOptions } from '../../auth/api/use-sign-in-options.ts'
import { ADMIN_PAGE_SIZE, useAdminUsers } from '../api/admin-api.ts'
import { InvitationsPanel } from './invitations-panel.tsx'
import { InviteDialog } from './invite-dialog.tsx'
import { NewUserDialog } from './new-user-dialog.tsx'
import { ActiveSwitch, PasswordReset, RoleEditor } from './user-row-controls.tsx'

/** How an account signs in: its password, the identity provider (by the name the sign-in page gives it), or both. */
function signInMethods(user: AdminUser, providerName: string): string {
  const methods = [...(user.has_password ? ['Password'] : []), ...(user.single_sign_on ? [providerName] : [])]
  return methods.join(', ') || 'No way in yet'
}

const columns = (editable: boolean, providerName: string): Column<AdminUser>[] => [
  { header: 'Username', cell: (user) => user.username },
  { header: 'E-mail', cell: (user) => user.email },
  { header: 'Name', cell: (user) => user.full_name ?? '' },
  { header: 'Signs in with', cell: (user) => signInMethods(user, providerName) },
  { header: 'Roles', cell: (user) => <RoleEditor user={user} editable={editable} /> },
  { header: 'Status', cell: (user) => <ActiveSwitch user={user} editable={editable} /> },
  { header: 'Created', cell: (user) => formatDateTime(user.created_at) },
  ...(editable ? [{ header: 'Password', cell: (user: AdminUser) => <PasswordReset user={user} /> }] : []),
]

/** `/admin/users`: search and page through accounts; admins change roles and deactivate, managers only read. */
export function UsersPage({ canEdit }: { canEdit: boolean }) {
  const [search, setSearch] = useState('')
  const [offset, setOffset] = useState(0)
  const q = useDebouncedValue(search, 250)
  const users = useAdminUsers(q, offset)
  const [adding, setAdding] = useState(false)
  const [inviting, setInviting] = useState(false)
  const providerName = useSignInOptions().data?.single_sign_on?.name ?? 'Single sign-on'
  return (
    <Page title="Users" wide>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search users"
          placeholder="Search by username, e-mail or name"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value)
            setOffset(0)
          }}
        />
        {canEdit ? (
          <>
            <button type="button" className="button" onClick={() => setInviting(true)}>
              Invite
            </button>
            <button type="button" className="button primary" onClick={() => setAdding(true)}>
              New user
            </button>
          </>
        ) : (
          <span className="muted">Managers can read this list; only admins change it.</span>
        )}
      </div>
      {adding && <NewUserDialog onClose={() => setAdding(false)} />}
      {inviting && <InviteDialog onClose={() => setInviting(false)} />}
      <LoadError what="the users" query={users} />
      <DataTable
        caption="Users"
        columns={columns(canEdit, providerName)}
        rows={users.data?.items ?? []}
        rowKey={(user) => user.id}
        empty="No user matches."
      />
      <Pager offset={offset} limit={ADMIN_PAGE_SIZE} total={users.data?.total ?? 0} onChange={setOffset} />
      <InvitationsPanel canEdit={canEdit} />
    </Page>
  )
}
