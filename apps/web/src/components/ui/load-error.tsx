import { useState } from 'react'
import { failureReason } from './error-summary.tsx'

/** What `LoadError` needs of a react-query result (`useQuery`, `useInfiniteQuery`, or each of `useQueries`). */
interface LoadableQuery {
  isError: boolean
  error: unknown
  isFetching: boolean
  refetch: () => Promise<{ isError: boolean; error: unknown }>
}

type LoadErrorProps = { what: string } & (
  { query: LoadableQuery; queries?: never } | { queries: readonly LoadableQuery[]; query?: never }
)

/**
 * "Could not load {what}." with the reason and a Try again button that refetches every query behind the view.
 * Renders nothing while none has failed, so it sits in the page unconditionally.
 */
export function LoadError({ what, query, queries = query ? [query] : [] }: LoadErrorProps) {
  // A query without data goes back to pending (its error cleared) while it refetches, and react-query hands its
  // new state to React in a later task (`notifyManager`) than the one `refetch()` settles in. Until that state
  // shows, the retry's own record keeps the alert and its button in place: no flicker, and focus stays.
  const [retry, setRetry] = useState<{ error: unknown; running: boolean }>()
  const failed = queries.find((each) => each.isError)
  if (retry && !retry.running && (failed || !queries.some((each) => each.isFetching))) setRetry(undefined)
  if (!failed && !retry) return null
  const error = failed ? failed.error : retry?.error
  const reason = failureReason(error)
  const busy = retry?.running === true || queries.some((each) => each.isError && each.isFetching)

  async function tryAgain() {
    if (busy) return
    setRetry({ error, running: true })
    const outcomes = await Promise.all(queries.map((each) => each.refetch()))
    const failure = outcomes.find((outcome) => outcome.isError)
    setRetry(failure ? { error: failure.error, running: false } : undefined)
  }

  return (
    <p role="alert" className="form-error">
      Could not load {what}.{reason && ` ${reason}`}{' '}
      {/* aria-disabled, not disabled: a disabled button drops focus, and after a failed retry it should stay. */}
      <button type="button" className="button small" aria-disabled={busy} onClick={() => void tryAgain()}>
        {busy ? 'Trying again…' : 'Try again'}
      </button>
    </p>
  )
}
