import { INSTRUCTIONS_MAX_LENGTH } from '@parley/protocol'
import { type FormEvent, useId, useState } from 'react'
import { ErrorSummary } from '../../../components/ui/error-summary.tsx'
import { LoadError } from '../../../components/ui/load-error.tsx'
import { Panel } from '../../../components/ui/panel.tsx'
import { useInstructions, useSaveInstructions } from '../api/settings-api.ts'

/** Custom instructions: sent with every reply to this account, in every conversation. */
export function InstructionsForm() {
  const stored = useInstructions()
  return (
    <Panel title="Custom instructions">
      <LoadError what="your instructions" query={stored} />
      {stored.isSuccess && <InstructionsEditor initial={stored.data.instructions ?? ''} />}
    </Panel>
  )
}

function InstructionsEditor({ initial }: { initial: string }) {
  const id = useId()
  const save = useSaveInstructions()
  const [text, setText] = useState(initial)
  const [saved, setSaved] = useState(false)
  const tooLong = text.length > INSTRUCTIONS_MAX_LENGTH

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (tooLong || save.isPending) return
    setSaved(false)
    save.mutate(
      { instructions: text.trim() || null },
      {
        onSuccess: (result) => {
          setText(result.instructions ?? '')
          setSaved(true)
        },
      },
    )
  }

  return (
    <form className="stack-form" onSubmit={onSubmit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-text`}>What should the assistant know about you, and how should it reply?</label>
        <textarea
          id={`${id}-text`}
          rows={5}
          value={text}
          onChange={(event) => {
            setText(event.target.value)
            setSaved(false)
          }}
          aria-describedby={`${id}-hint`}
          aria-invalid={tooLong ? true : undefined}
        />
        <div id={`${id}-hint`} className={tooLong ? 'field-error' : 'field-hint'}>
          Sent with every message you write, in every conversation. {text.length.toLocaleString('en-US')} of{' '}
          {INSTRUCTIONS_MAX_LENGTH.toLocaleString('en-US')} characters. Empty for none.
        </div>
      </div>
      <ErrorSummary error={save.error} />
      <div className="form-actions">
        <button type="submit" className="button primary" aria-disabled={tooLong || save.isPending}>
          Save instructions
        </button>
        {saved && <span role="status">Saved.</span>}
      </div>
    </form>
  )
}
