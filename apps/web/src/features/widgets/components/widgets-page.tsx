import type { Widget } from '@parley/protocol'
import { useState } from 'react'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { type Column, DataTable } from '../../../components/ui/data-table.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Page, Panel } from '../../../components/ui/panel.tsx'
import { useDeleteWidget, useWidgets } from '../api/widgets-api.ts'
import { Snippet } from './snippet.tsx'
import { NEW_WIDGET, WidgetForm, draftOf } from './widget-form.tsx'

type Editing = { kind: 'none' } | { kind: 'new' } | { kind: 'edit'; widget: Widget }

/** `/admin/widgets`: website chat widgets, their settings, a preview and the snippet to paste. */
export function WidgetsPage({ canEdit }: { canEdit: boolean }) {
  const widgets = useWidgets()
  const remove = useDeleteWidget()
  const [editing, setEditing] = useState<Editing>({ kind: 'none' })
  const [shown, setShown] = useState<string | undefined>()

  const columns: Column<Widget>[] = [
    { header: 'Name', cell: (widget) => widget.name },
    { header: 'Origins', cell: (widget) => widget.allowed_origins.join(', ') },
    { header: 'Status', cell: (widget) => (widget.enabled ? 'Enabled' : 'Disabled') },
    {
      header: 'Actions',
      cell: (widget) => (
        <div className="row-actions">
          <button type="button" className="button small" onClick={() => setShown(widget.id)}>
            Snippet<span className="visually-hidden"> for {widget.name}</span>
          </button>
          {canEdit && (
            <>
              <button type="button" className="button small" onClick={() => setEditing({ kind: 'edit', widget })}>
                Edit<span className="visually-hidden"> {widget.name}</span>
              </button>
              <ConfirmButton
                className="button small danger"
                label={`Delete ${widget.name}`}
                question={`Delete the widget “${widget.name}”? Pages using it stop showing it.`}
                confirmLabel="Delete"
                onConfirm={() => remove.mutate(widget.id)}
              >
                Delete
              </ConfirmButton>
            </>
          )}
        </div>
      ),
    },
  ]

  return (
    <Page title="Widgets" wide>
      <div className="toolbar">
        {canEdit ? (
          <button type="button" className="button primary" onClick={() => setEditing({ kind: 'new' })}>
            New widget
          </button>
        ) : (
          <span className="muted">Managers can read widgets; only admins change them.</span>
        )}
      </div>
      <LoadError what="the widgets" query={widgets} />
      {editing.kind !== 'none' && (
        <Panel title={editing.kind === 'new' ? 'New widget' : `Edit “${editing.widget.name}”`}>
          <WidgetForm
            key={editing.kind === 'edit' ? editing.widget.id : 'new'}
            initial={editing.kind === 'edit' ? draftOf(editing.widget) : NEW_WIDGET}
            widgetId={editing.kind === 'edit' ? editing.widget.id : undefined}
            onSaved={(widget) => {
              setEditing({ kind: 'none' })
              setShown(widget.id)
            }}
            onCancel={() => setEditing({ kind: 'none' })}
          />
        </Panel>
      )}
      {shown && (
        <Panel title="Put it on a page">
          <Snippet widgetId={shown} />
        </Panel>
      )}
      <DataTable
        caption="Widgets"
        columns={columns}
        rows={widgets.data?.items ?? []}
        rowKey={(widget) => widget.id}
        empty="No widgets yet."
      />
    </Page>
  )
}
