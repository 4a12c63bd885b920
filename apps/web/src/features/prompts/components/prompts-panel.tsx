import { PROMPT_MAX_LENGTH, type Prompt } from '@parley/protocol'
import { type FormEvent, useId, useState } from 'react'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { useFormErrors } from '../../../components/ui/use-form-errors.ts'
import { useIsAdmin } from '../../../app/require-role.tsx'
import { useDeletePrompt, usePrompts, useSavePrompt } from '../api/prompts-api.ts'

const FIELDS = { name: 'Name', content: 'Text' }

/**
 * Settings → Prompts: text kept to put in the message box by typing "/" and its name. Admins also offer prompts to
 * everyone; the others see those, marked, without changing them.
 */
export function PromptsPanel() {
  const prompts = usePrompts()
  const isAdmin = useIsAdmin()
  const [editing, setEditing] = useState<Prompt | 'new'>()
  return (
    <Panel
      title="Prompts"
      actions={
        editing === undefined && (
          <button type="button" className="button small" onClick={() => setEditing('new')}>
            New prompt
          </button>
        )
      }
    >
      <p className="muted">Type “/” and a prompt’s name in the message box to put its text there.</p>
      <LoadError what="your prompts" query={prompts} />
      {editing !== undefined && (
        <PromptEditor
          prompt={editing === 'new' ? undefined : editing}
          canShare={isAdmin}
          onDone={() => setEditing(undefined)}
        />
      )}
      {prompts.data?.length === 0 && editing === undefined && <p>No prompt yet.</p>}
      {prompts.data && prompts.data.length > 0 && (
        <ul className="prompt-list" aria-label="Saved prompts">
          {prompts.data.map((prompt) => (
            <PromptItem
              key={prompt.id}
              prompt={prompt}
              canChange={prompt.shared ? isAdmin : prompt.mine}
              onEdit={() => setEditing(prompt)}
            />
          ))}
        </ul>
      )}
    </Panel>
  )
}

function PromptItem({ prompt, canChange, onEdit }: { prompt: Prompt; canChange: boolean; onEdit: () => void }) {
  const remove = useDeletePrompt()
  return (
    <li className="prompt-item">
      <div>
        <code>/{prompt.name}</code>
        {prompt.shared && <span className="prompt-badge">Shared with everyone</span>}
        <p className="prompt-preview">{prompt.content}</p>
      </div>
      {canChange && (
        <div className="row-actions">
          <button type="button" className="button small" onClick={onEdit} aria-label={`Edit /${prompt.name}`}>
            Edit
          </button>
          <ConfirmButton
            label={`Delete /${prompt.name}`}
            question={`Delete /${prompt.name}?`}
            confirmLabel="Delete"
            onConfirm={() => remove.mutate(prompt.id)}
            disabled={remove.isPending}
          >
            Delete
          </ConfirmButton>
        </div>
      )}
    </li>
  )
}

function PromptEditor({
  prompt,
  canShare,
  onDone,
}: {
  prompt?: Prompt | undefined
  canShare: boolean
  onDone: () => void
}) {
  const id = useId()
  const save = useSavePrompt()
  const errors = useFormErrors(save.error, FIELDS)
  const [content, setContent] = useState(prompt?.content ?? '')
  const tooLong = content.length > PROMPT_MAX_LENGTH

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (tooLong || save.isPending) return
    const form = new FormData(event.currentTarget)
    const name = String(form.get('name')).trim().replace(/^\//, '')
    save.mutate({ id: prompt?.id, name, content, shared: form.get('shared') === 'on' }, { onSuccess: onDone })
  }

  return (
    <form className="stack-form" onSubmit={onSubmit} onChange={errors.onChange} noValidate>
      <TextField
        label="Name"
        name="name"
        autoComplete="off"
        required
        defaultValue={prompt?.name ?? ''}
        hint="What you type after “/”: lower-case letters, digits, “_” or “-”."
        error={errors.fieldError('name')}
      />
      <div className="field">
        <label htmlFor={`${id}-content`}>Text</label>
        <textarea
          id={`${id}-content`}
          name="content"
          rows={4}
          value={content}
          onChange={(event) => setContent(event.target.value)}
          aria-describedby={`${id}-hint ${id}-blanks`}
          aria-invalid={tooLong || errors.fieldError('content') ? true : undefined}
        />
        <div id={`${id}-hint`} className={tooLong ? 'field-error' : 'field-hint'}>
          {errors.fieldError('content') ??
            `${content.length.toLocaleString('en-US')} of ${PROMPT_MAX_LENGTH.toLocaleString('en-US')} characters.`}
        </div>
        <div id={`${id}-blanks`} className="field-hint">
          Write <code>{'{{name}}'}</code> for a blank to fill in when you use the prompt; <code>{'{{date}}'}</code>,{' '}
          <code>{'{{time}}'}</code> and <code>{'{{user}}'}</code> are filled in for you.
        </div>
      </div>
      {canShare && (
        <label className="checkbox">
          <input type="checkbox" name="shared" defaultChecked={prompt?.shared ?? false} /> Offer it to everyone
        </label>
      )}
      <ErrorSummary error={errors.summaryError} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button primary" aria-disabled={tooLong || save.isPending}>
          Save prompt
        </button>
      </div>
    </form>
  )
}
