import type { CreateWidgetRequest, Widget } from '@parley/protocol'
import { type FormEvent, useId, useState } from 'react'
import { ErrorSummary, fieldIssues } from '../../../components/ui/error-summary.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { useSaveWidget } from '../api/widgets-api.ts'
import { WidgetPreview } from './widget-preview.tsx'

/** The form's state: every field of a widget, with the optional ones as strings as typed. */
export interface WidgetDraft {
  name: string
  origins: string
  title: string
  launcher_text: string
  greeting: string
  accent_color: string
  position: 'bottom-right' | 'bottom-left'
  model: string
  system_prompt: string
  messages_per_minute: string
  messages_per_session: string
  ask_email: boolean
  proof_of_work: boolean
  enabled: boolean
}

export const NEW_WIDGET: WidgetDraft = {
  name: '',
  origins: '',
  title: 'Chat with us',
  launcher_text: 'Chat',
  greeting: '',
  accent_color: '#2563eb',
  position: 'bottom-right',
  model: '',
  system_prompt: '',
  messages_per_minute: '',
  messages_per_session: '',
  ask_email: true,
  proof_of_work: true,
  enabled: true,
}

export function draftOf(widget: Widget): WidgetDraft {
  const text = (value: string | number | null) => (value === null ? '' : String(value))
  return {
    ...widget,
    origins: widget.allowed_origins.join('\n'),
    greeting: text(widget.greeting),
    model: text(widget.model),
    system_prompt: text(widget.system_prompt),
    messages_per_minute: text(widget.messages_per_minute),
    messages_per_session: text(widget.messages_per_session),
  }
}

function requestOf(draft: WidgetDraft): CreateWidgetRequest {
  const optional = (value: string) => (value.trim() === '' ? null : value)
  const limit = (value: string) => (value.trim() === '' ? null : Number(value))
  return {
    name: draft.name,
    allowed_origins: draft.origins
      .split(/[\s,]+/)
      .map((origin) => origin.trim())
      .filter(Boolean),
    title: draft.title,
    launcher_text: draft.launcher_text,
    greeting: optional(draft.greeting),
    accent_color: draft.accent_color,
    position: draft.position,
    model: optional(draft.model),
    system_prompt: optional(draft.system_prompt),
    messages_per_minute: limit(draft.messages_per_minute),
    messages_per_session: limit(draft.messages_per_session),
    ask_email: draft.ask_email,
    proof_of_work: draft.proof_of_work,
    enabled: draft.enabled,
  }
}

/** Creates or edits a widget, with a preview that follows every change. */
export function WidgetForm({
  initial,
  widgetId,
  onSaved,
  onCancel,
}: {
  initial: WidgetDraft
  widgetId?: string | undefined
  onSaved: (widget: Widget) => void
  onCancel: () => void
}) {
  const [draft, setDraft] = useState(initial)
  const save = useSaveWidget()
  const issues = fieldIssues(save.error)
  const id = useId()
  const set =
    <K extends keyof WidgetDraft>(key: K) =>
    (value: WidgetDraft[K]) =>
      setDraft({ ...draft, [key]: value })
  const input = (key: 'name' | 'title' | 'launcher_text' | 'model') => ({
    value: draft[key],
    onChange: (event: { target: { value: string } }) => set(key)(event.target.value),
  })

  function submit(event: FormEvent) {
    event.preventDefault()
    save.mutate({ ...requestOf(draft), id: widgetId }, { onSuccess: onSaved })
  }

  const area = (key: 'origins' | 'greeting' | 'system_prompt', label: string, hint?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <textarea
        id={`${id}-${key}`}
        rows={3}
        value={draft[key]}
        aria-describedby={hint ? `${id}-${key}-hint` : undefined}
        onChange={(event) => set(key)(event.target.value)}
      />
      {hint && (
        <div id={`${id}-${key}-hint`} className="field-hint">
          {hint}
        </div>
      )}
      {key === 'origins' && issues.allowed_origins && <div className="field-error">{issues.allowed_origins}</div>}
    </div>
  )
  const check = (key: 'ask_email' | 'proof_of_work' | 'enabled', label: string) => (
    <label className="check">
      <input type="checkbox" checked={draft[key]} onChange={(event) => set(key)(event.target.checked)} /> {label}
    </label>
  )

  return (
    <div className="widget-editor">
      <form onSubmit={submit} aria-label={widgetId ? 'Edit widget' : 'New widget'}>
        <ErrorSummary error={save.error} />
        <TextField label="Name" required {...input('name')} error={issues.name} />
        {area('origins', 'Allowed origins', 'One per line: https://shop.example.com, https://*.example.com, or null')}
        <TextField label="Title" required {...input('title')} error={issues.title} />
        <TextField label="Launcher text" required {...input('launcher_text')} error={issues.launcher_text} />
        {area('greeting', 'Greeting')}
        <div className="field">
          <label htmlFor={`${id}-colour`}>Accent colour</label>
          <input
            id={`${id}-colour`}
            type="color"
            value={draft.accent_color}
            onChange={(event) => set('accent_color')(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-position`}>Position</label>
          <select
            id={`${id}-position`}
            value={draft.position}
            onChange={(event) => set('position')(event.target.value as WidgetDraft['position'])}
          >
            <option value="bottom-right">Bottom right</option>
            <option value="bottom-left">Bottom left</option>
          </select>
        </div>
        <TextField
          label="Model"
          hint="A configured model id; its fallback chain applies. Empty for the default."
          {...input('model')}
          error={issues.model}
        />
        {area('system_prompt', 'System prompt')}
        <TextField
          label="Messages per minute"
          type="number"
          min={1}
          hint="Per visitor; empty for the server's guest limit"
          value={draft.messages_per_minute}
          onChange={(event) => set('messages_per_minute')(event.target.value)}
        />
        <TextField
          label="Messages per conversation"
          type="number"
          min={1}
          hint="Empty for the server's guest cap"
          value={draft.messages_per_session}
          onChange={(event) => set('messages_per_session')(event.target.value)}
        />
        {check('ask_email', 'Ask for an e-mail address first')}
        {check('proof_of_work', 'Proof of work before a chat starts')}
        {check('enabled', 'Enabled')}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={save.isPending}>
            {widgetId ? 'Save widget' : 'Create widget'}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
      <WidgetPreview draft={draft} />
    </div>
  )
}
