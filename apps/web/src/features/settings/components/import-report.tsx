import type { SkippedImport } from '@parley/protocol'
import { Link } from 'react-router'
import { ErrorSummary, failureReason } from '../../../components/ui/error-summary.tsx'
import { formatCount } from '../../../lib/format.ts'
import { titleOf } from '../../chat/components/conversation-item.tsx'
import { type FailedPart, type ImportReport, refusedWhole } from '../model/import-run.ts'

/** Skipped conversations listed by name; the rest are counted. */
const SKIPPED_SHOWN = 10

const conversations = (count: number) => (count === 1 ? '1 conversation' : `${formatCount(count)} conversations`)

/** Items are numbered from 1 for people; the server counts from 0. */
const skippedLabel = (skip: SkippedImport) => skip.title ?? `Untitled (item ${formatCount(skip.index + 1)})`

/** How many were imported (the first one linked) and which were left out, and why. */
export function ImportSummary({ report }: { report: ImportReport }) {
  const { imported, skipped } = report
  const [first] = imported
  return (
    <>
      <p>
        Imported {conversations(imported.length)}.
        {first && (
          <>
            {' '}
            Open <Link to={`/c/${first.id}`}>{titleOf(first)}</Link>
            {imported.length > 1 ? ', the first; the others are in the sidebar.' : '.'}
          </>
        )}
      </p>
      {skipped.length > 0 && (
        <>
          <p>{skipped.length === 1 ? '1 was left out:' : `${formatCount(skipped.length)} were left out:`}</p>
          <ul aria-label="Left out">
            {skipped.slice(0, SKIPPED_SHOWN).map((skip) => (
              <li key={skip.index}>
                {skippedLabel(skip)}: {skip.reason}
              </li>
            ))}
          </ul>
          {skipped.length > SKIPPED_SHOWN && <p>…and {formatCount(skipped.length - SKIPPED_SHOWN)} more.</p>}
        </>
      )}
    </>
  )
}

function failedPartText({ start, count }: FailedPart): string {
  const items =
    count === 1 ? `Item ${formatCount(start + 1)}` : `Items ${formatCount(start + 1)}–${formatCount(start + count)}`
  return `${items} (${conversations(count)}) ${count === 1 ? 'was' : 'were'} not imported`
}

/**
 * The parts the server did not take. Those it took stay imported, and sending the whole file again would copy them
 * a second time, so the report says which items failed rather than suggesting a retry.
 */
export function ImportFailures({ report }: { report: ImportReport }) {
  const { failed, imported, notSent } = report
  if (failed.length === 0) return null
  if (refusedWhole(report)) return <ErrorSummary error={failed[0]?.error} />
  return (
    <div role="alert" className="form-error">
      <ul>
        {failed.map((part) => (
          <li key={part.start}>
            {failedPartText(part)}: {failureReason(part.error)}
          </li>
        ))}
      </ul>
      {notSent > 0 && (
        <p>
          The remaining {conversations(notSent)} {notSent === 1 ? 'was' : 'were'} not sent.
        </p>
      )}
      {imported.length === 1 && (
        <p>The conversation imported stays imported: importing the whole file again would copy it a second time.</p>
      )}
      {imported.length > 1 && (
        <p>
          The {formatCount(imported.length)} conversations imported stay imported: importing the whole file again would
          copy them a second time.
        </p>
      )}
    </div>
  )
}
