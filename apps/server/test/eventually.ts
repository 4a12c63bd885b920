/**
 * Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`: tests wait on the condition
 * they need, never on a fixed sleep, so a loaded machine only makes them slower.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
