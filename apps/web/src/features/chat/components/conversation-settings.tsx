import { CONVERSATION_SETTINGS, type Conversation, MaxTokens, SystemPrompt, Temperature } from '@parley/protocol'
import { type FormEvent, useCallback, useId, useState } from 'react'
import { Dialog } from '../../../components/ui/dialog.tsx'
import { ErrorSummary, fieldIssues } from '../../../components/ui/error-summary.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { useUpdateConversation } from '../api/chat-api.ts'

const { temperature: TEMPERATURE, max_tokens: MAX_TOKENS, system_prompt: PROMPT } = CONVERSATION_SETTINGS

interface Draft {
  system_prompt: string
  temperature: string
  max_tokens: string
}

const draftOf = (conversation: Conversation): Draft => ({
  system_prompt: conversation.system_prompt ?? '',
  temperature: conversation.temperature === null ? '' : String(conversation.temperature),
  max_tokens: conversation.max_tokens === null ? '' : String(conversation.max_tokens),
})

/** A number field's value: null when empty (the model's default), NaN when it is no number. */
const numberOf = (text: string) => (text.trim() === '' ? null : Number(text))

/** The draft as the API takes it, checked with the protocol's own schemas (the bounds the server applies). */
function parse(draft: Draft) {
  const issues: Partial<Record<keyof Draft, string>> = {}
  const prompt = SystemPrompt.safeParse(draft.system_prompt.trim() === '' ? null : draft.system_prompt)
  if (!prompt.success) issues.system_prompt = `At most ${PROMPT.max_length.toLocaleString('en-US')} characters.`
  const temperature = Temperature.safeParse(numberOf(draft.temperature))
  if (!temperature.success) issues.temperature = `A number from ${TEMPERATURE.min} to ${TEMPERATURE.max}.`
  const maxTokens = MaxTokens.safeParse(numberOf(draft.max_tokens))
  if (!maxTokens.success)
    issues.max_tokens = `A whole number from ${MAX_TOKENS.min} to ${MAX_TOKENS.max.toLocaleString('en-US')}.`
  if (!prompt.success || !temperature.success || !maxTokens.success) return { issues }
  return { settings: { system_prompt: prompt.data, temperature: temperature.data, max_tokens: maxTokens.data } }
}

function SettingsForm({ conversation, onClose }: { conversation: Conversation; onClose: () => void }) {
  const [draft, setDraft] = useState(() => draftOf(conversation))
  const [issues, setIssues] = useState<Partial<Record<keyof Draft, string>>>({})
  const update = useUpdateConversation()
  const id = useId()
  const server = fieldIssues(update.error)
  const set = (key: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: event.target.value })

  function submit(event: FormEvent) {
    event.preventDefault()
    const parsed = parse(draft)
    setIssues(parsed.issues ?? {})
    if (parsed.settings) update.mutate({ id: conversation.id, ...parsed.settings }, { onSuccess: onClose })
  }

  const promptHint = `${id}-prompt-hint`
  const promptError = issues.system_prompt ?? server.system_prompt
  return (
    <form className="conversation-settings" onSubmit={submit} noValidate>
      <ErrorSummary error={update.error} />
      <div className="field">
        <label htmlFor={`${id}-prompt`}>System prompt</label>
        <textarea
          id={`${id}-prompt`}
          rows={5}
          value={draft.system_prompt}
          onChange={set('system_prompt')}
          aria-describedby={promptError ? `${promptHint} ${id}-prompt-error` : promptHint}
          aria-invalid={promptError ? true : undefined}
        />
        <div id={promptHint} className="field-hint">
          Instructions the model follows in every reply of this conversation. Empty for none.
        </div>
        {promptError && (
          <div id={`${id}-prompt-error`} className="field-error">
            {promptError}
          </div>
        )}
      </div>
      <div className="settings-numbers">
        <TextField
          label="Temperature"
          type="number"
          inputMode="decimal"
          min={TEMPERATURE.min}
          max={TEMPERATURE.max}
          step={TEMPERATURE.step}
          placeholder="Default"
          hint={`${TEMPERATURE.min}–${TEMPERATURE.max}: lower is more predictable, higher more varied. Empty for the model's default.`}
          value={draft.temperature}
          onChange={set('temperature')}
          error={issues.temperature ?? server.temperature}
        />
        <TextField
          label="Max tokens"
          type="number"
          inputMode="numeric"
          min={MAX_TOKENS.min}
          max={MAX_TOKENS.max}
          step={1}
          placeholder="Default"
          hint="The longest a reply may be. Empty for the model's default."
          value={draft.max_tokens}
          onChange={set('max_tokens')}
          error={issues.max_tokens ?? server.max_tokens}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={update.isPending}>
          Save settings
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  )
}

/**
 * The conversation's system prompt, temperature and max tokens, stored with it on the server (a reload, another
 * device and every later reply use them). A dot on the button tells that any is set.
 */
export function ConversationSettings({ conversation }: { conversation: Conversation | undefined }) {
  const [open, setOpen] = useState(false)
  const close = useCallback(() => setOpen(false), [])
  const customised =
    conversation !== undefined &&
    (conversation.system_prompt !== null || conversation.temperature !== null || conversation.max_tokens !== null)
  return (
    <>
      <button
        type="button"
        className="button small"
        aria-haspopup="dialog"
        disabled={!conversation}
        onClick={() => setOpen(true)}
      >
        Chat settings
        {customised && (
          <>
            <span className="settings-dot" aria-hidden="true" />
            <span className="visually-hidden"> (customised)</span>
          </>
        )}
      </button>
      {open && conversation && (
        <Dialog title="Chat settings" onClose={close}>
          <SettingsForm conversation={conversation} onClose={close} />
        </Dialog>
      )}
    </>
  )
}
