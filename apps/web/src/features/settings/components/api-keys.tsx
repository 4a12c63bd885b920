import type { CreatedApiKey } from '@parley/protocol'
import { type FormEvent, useCallback, useState } from 'react'
import { ConfirmButton } from '../../../components/ui/confirm-button.tsx'
import { ErrorSummary, fieldIssues } from '../../../components/ui/error-summary.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { formatDateTime } from '../../../lib/format.ts'
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../api/settings-api.ts'
import { ApiKeyCreated } from './api-key-created.tsx'

/** Keys for scripts and integrations: listed by name and prefix; a new key's secret is shown once. */
export function ApiKeys() {
  const keys = useApiKeys()
  const create = useCreateApiKey()
  const revoke = useRevokeApiKey()
  const [created, setCreated] = useState<CreatedApiKey>()
  const closeCreated = useCallback(() => setCreated(undefined), [])

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = event.currentTarget
    const name = String(new FormData(form).get('name')).trim()
    if (!name || create.isPending) return
    create.mutate(
      { name },
      {
        onSuccess: (key) => {
          form.reset()
          setCreated(key)
        },
      },
    )
  }

  return (
    <Panel title="API keys">
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <TextField label="Key name" name="name" maxLength={100} required error={fieldIssues(create.error).name} />
        {/* aria-disabled, not disabled: a disabled button drops focus, which the key's dialog gives back to it. */}
        <button type="submit" className="button primary" aria-disabled={create.isPending}>
          Create key
        </button>
      </form>
      <ErrorSummary error={create.error ?? revoke.error} />
      {keys.isSuccess && keys.data.length === 0 && <p className="muted">No API keys yet.</p>}
      <ul className="item-list" aria-label="API keys">
        {(keys.data ?? []).map((key) => (
          <li key={key.id} className="item-row">
            <div className="item-main">
              <span className="item-title">
                {key.name} <code>{key.prefix}…</code>
              </span>
              <span className="muted small">
                created {formatDateTime(key.created_at)} · last used {formatDateTime(key.last_used_at)}
                {key.expires_at && ` · expires ${formatDateTime(key.expires_at)}`}
              </span>
            </div>
            <ConfirmButton
              label={`Revoke API key ${key.name}`}
              question={`Revoke “${key.name}”? Scripts using it stop working at once.`}
              confirmLabel="Revoke"
              disabled={revoke.isPending}
              onConfirm={() => revoke.mutate(key.id)}
            >
              Revoke
            </ConfirmButton>
          </li>
        ))}
      </ul>
      {created && <ApiKeyCreated created={created} onClose={closeCreated} />}
    </Panel>
  )
}
