import { type FormEvent, useState } from 'react'
import { Panel } from '../../../components/ui/panel.tsx'
import { TextField } from '../../../components/ui/text-field.tsx'
import { formatCount } from '../../../lib/format.ts'
import { useImportConversations } from '../../chat/api/chat-api.ts'
import { importParts } from '../model/import-batches.ts'
import { type ImportReport, refusedWhole, runImport } from '../model/import-run.ts'
import { ImportFailures, ImportSummary } from './import-report.tsx'

type Run =
  | { state: 'reading' }
  | { state: 'unreadable'; problem: string }
  | { state: 'importing'; done: number; total: number }
  | { state: 'finished'; report: ImportReport }

const NOT_JSON =
  'This file is not JSON. Choose conversations.json from the archive ChatGPT or Claude sends, or a file saved with Export → JSON in Parley.'

/** Reads the chosen file in the browser; `problem` says what is wrong with it. */
async function readFile(file: File | undefined): Promise<{ value: unknown } | { problem: string }> {
  if (!file) return { problem: 'Choose an export file first.' }
  let text: string
  try {
    text = await file.text()
  } catch {
    return { problem: 'This file could not be read. Choose it again.' }
  }
  try {
    return { value: JSON.parse(text) as unknown }
  } catch {
    return { problem: NOT_JSON }
  }
}

/**
 * Imports conversations from an export file (Parley's JSON export, or ChatGPT's or Claude's conversations.json). The file is
 * parsed here and sent in parts well under the server's body limit, so any size of archive goes through.
 */
export function ImportConversations() {
  const importPart = useImportConversations()
  const [run, setRun] = useState<Run>()
  const busy = run?.state === 'reading' || run?.state === 'importing'

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (busy) return
    const input = event.currentTarget.elements.namedItem('file')
    setRun({ state: 'reading' })
    const file = await readFile(input instanceof HTMLInputElement ? input.files?.[0] : undefined)
    if ('problem' in file) {
      setRun({ state: 'unreadable', problem: file.problem })
      return
    }
    const parts = importParts(file.value)
    const total = parts.reduce((sum, part) => sum + part.count, 0)
    setRun({ state: 'importing', done: 0, total })
    const report = await runImport(parts, importPart.mutateAsync, (done) => setRun({ state: 'importing', done, total }))
    setRun({ state: 'finished', report })
  }

  return (
    <Panel title="Import conversations">
      <p className="muted">
        Bring conversations from a Parley JSON export, from ChatGPT (Settings → Data controls → Export) or from Claude
        (Settings → Privacy → Export data): choose conversations.json from the archive they send. Each conversation’s
        current branch is imported; images, files and tool output are left out. Importing a file twice makes two copies.
      </p>
      <form className="inline-form" onSubmit={(event) => void onSubmit(event)} noValidate>
        <TextField label="Export file" name="file" type="file" accept=".json,application/json" required />
        {/* aria-disabled, not disabled: a disabled button drops focus, and it should be there when the import ends. */}
        <button type="submit" className="button primary" aria-disabled={busy}>
          Import
        </button>
      </form>
      {run?.state === 'unreadable' && (
        <p role="alert" className="form-error">
          {run.problem}
        </p>
      )}
      {run?.state === 'finished' && <ImportFailures report={run.report} />}
      <div role="status" aria-live="polite">
        {run?.state === 'reading' && <p>Reading the file…</p>}
        {run?.state === 'importing' && (
          <p>
            Importing… {formatCount(run.done)} of {formatCount(run.total)}
          </p>
        )}
        {run?.state === 'finished' && !refusedWhole(run.report) && <ImportSummary report={run.report} />}
      </div>
    </Panel>
  )
}
