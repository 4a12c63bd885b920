import { ApiError } from '../../lib/api-client.ts'
import { waitInWords } from '../../lib/wait-in-words.ts'

/** Field issues from a server error, keyed by the field name (`password`, `body.username` → `username`). */
export function fieldIssues(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {}
  const issues: Record<string, string> = {}
  for (const issue of error.body.issues ?? []) issues[issue.path.replace(/^body\./, '')] ??= issue.message
  return issues
}

/**
 * A failed request in words: the server's message, or that it could not be reached. The API client turns every
 * answer into an `ApiError`, so anything else means no answer came (`fetch` rejected: offline, refused, DNS).
 */
export function failureReason(error: unknown): string {
  if (!(error instanceof ApiError)) return 'The server could not be reached.'
  return error.body.code === 'rate_limited'
    ? `Too many attempts; ${waitInWords(error.retryAfterSeconds)}.`
    : error.message
}

/** The form-level error, announced to screen readers as soon as it appears. */
export function ErrorSummary({ error }: { error: unknown }) {
  if (!error) return null
  const reason = failureReason(error)
  return (
    <p role="alert" className="form-error">
      {error instanceof ApiError ? reason : `${reason} Check your connection and try again.`}
    </p>
  )
}
