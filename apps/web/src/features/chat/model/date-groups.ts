/** Sidebar sections, newest first, as chat apps name them. */
export type DateGroup = 'Today' | 'Yesterday' | 'Previous 7 days' | 'Previous 30 days' | 'Older'

const DAY_MS = 86_400_000

/** The section of a conversation last active at `when`, by the reader's local calendar days. */
export function dateGroupOf(when: Date, now: Date): DateGroup {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime()
  const time = when.getTime()
  if (time >= startOfToday) return 'Today'
  if (time >= startOfToday - DAY_MS) return 'Yesterday'
  if (time >= startOfToday - 7 * DAY_MS) return 'Previous 7 days'
  if (time >= startOfToday - 30 * DAY_MS) return 'Previous 30 days'
  return 'Older'
}

/** Splits a newest-first list into consecutive sections, keeping its order. */
export function groupByDate<T>(items: readonly T[], dateOf: (item: T) => Date, now: Date) {
  const groups: { label: DateGroup; items: T[] }[] = []
  for (const item of items) {
    const label = dateGroupOf(dateOf(item), now)
    const last = groups.at(-1)
    if (last?.label === label) last.items.push(item)
    else groups.push({ label, items: [item] })
  }
  return groups
}
