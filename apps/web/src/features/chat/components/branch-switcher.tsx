interface BranchSwitcherProps {
  /** The message shown, one of `versions`. */
  messageId: string
  /** The message and its other versions, oldest first (from the server). */
  versions: readonly string[] | undefined
  onSelect: (messageId: string) => void
  /** While a reply is being written the conversation cannot switch branches. */
  disabled?: boolean
}

/** ‹ 2/3 ›: which version of a message is shown, and buttons to show the one before or after it. */
export function BranchSwitcher({ messageId, versions, onSelect, disabled = false }: BranchSwitcherProps) {
  if (!versions || versions.length < 2) return null
  const index = versions.indexOf(messageId)
  if (index === -1) return null
  const previous = versions[index - 1]
  const next = versions[index + 1]
  return (
    <div className="branch-switcher" role="group" aria-label="Versions">
      <button
        type="button"
        className="icon-button"
        aria-label="Previous version"
        disabled={disabled || previous === undefined}
        onClick={() => previous && onSelect(previous)}
      >
        ‹
      </button>
      <span aria-hidden="true">
        {index + 1}/{versions.length}
      </span>
      <span className="visually-hidden">
        Version {index + 1} of {versions.length}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Next version"
        disabled={disabled || next === undefined}
        onClick={() => next && onSelect(next)}
      >
        ›
      </button>
    </div>
  )
}
