import { ApiError } from '../../lib/api-client.ts'

/** Field issues from a server error, keyed by the field name (`password`, `body.username` → `username`). */
export function fieldIssues(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {}
  const issues: Record<string, string> = {}
  for (const issue of error.body.issues ?? []) issues[issue.path.replace(/^body\./, '')] ??= issue.message
  return issues
}

/** The form-level error, announced to screen readers as soon as it appears. */
export function ErrorSummary({ error }: { error: unknown }) {
  if (!error) return null
  const message =
    error instanceof ApiError
      ? error.body.code === 'rate_limited'
        ? 'Too many attempts; wait a minute and try again.'
        : error.message
      : 'The server does not answer. Check your connection and try again.'
  return (
    <p role="alert" className="form-error">
      {message}
    </p>
  )
}
