/** Previous / next over an offset-paged list, with where the reader is. */
export function Pager({
  offset,
  limit,
  total,
  onChange,
}: {
  offset: number
  limit: number
  total: number
  onChange: (offset: number) => void
}) {
  if (total <= limit && offset === 0) return null
  const last = Math.min(offset + limit, total)
  return (
    <nav className="pager" aria-label="Pages">
      <button
        type="button"
        className="button small"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
      >
        Previous
      </button>
      <span className="muted">
        {total === 0 ? 0 : offset + 1}–{last} of {total}
      </span>
      <button type="button" className="button small" disabled={last >= total} onClick={() => onChange(offset + limit)}>
        Next
      </button>
    </nav>
  )
}
