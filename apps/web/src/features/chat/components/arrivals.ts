/**
 * The Markdown renderer's parts fetched on first use (a code block's grammar, KaTeX for a formula) say here that
 * they have arrived, so that replies already shown render again with them.
 */
const listeners = new Set<() => void>()
let arrived = 0

export function announceArrival() {
  arrived += 1
  for (const listener of listeners) listener()
}

/** For `useSyncExternalStore`: `subscribeToArrivals` with `arrivals` as the snapshot. */
export function subscribeToArrivals(listener: () => void): () => void {
  listeners.add(listener)
  return () => void listeners.delete(listener)
}
export const arrivals = () => arrived
