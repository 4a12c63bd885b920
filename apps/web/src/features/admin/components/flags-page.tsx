import type { FlagInfo } from '@parley/protocol'
import { useState } from 'react'
import { type Column, DataTable } from '../../../components/ui/data-table.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Pager } from '../../../components/ui/pager.tsx'
import { Page } from '../../../components/ui/panel.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import { ADMIN_PAGE_SIZE, useFlags } from '../api/admin-api.ts'

// Excerpts are untrusted user text: React renders them as text nodes, never as HTML.
const COLUMNS: Column<FlagInfo>[] = [
  { header: 'When', cell: (flag) => formatDateTime(flag.created_at) },
  { header: 'Action', cell: (flag) => <span className={`badge badge-${flag.action}`}>{flag.action}</span> },
  { header: 'Rule', cell: (flag) => `${flag.family} · ${flag.rule}` },
  { header: 'Excerpt', cell: (flag) => <span className="excerpt">{flag.excerpt}</span> },
  // `username` is null once the account is gone: the id is all that is left then.
  { header: 'User', cell: (flag) => flag.username ?? <code>{flag.user_id}</code> },
]

/** `/admin/flags`: messages the guard flagged or blocked, newest first. */
export function FlagsPage() {
  const [offset, setOffset] = useState(0)
  const flags = useFlags(offset)
  return (
    <Page title="Flagged messages" wide>
      <LoadError what="the flags" query={flags} />
      <DataTable
        caption="Flagged messages"
        columns={COLUMNS}
        rows={flags.data?.items ?? []}
        rowKey={(flag) => flag.id}
        empty="No flagged messages."
      />
      <Pager offset={offset} limit={ADMIN_PAGE_SIZE} total={flags.data?.total ?? 0} onChange={setOffset} />
    </Page>
  )
}
