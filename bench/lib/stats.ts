/** Nearest-rank percentile (of n sorted values, the one at rank ceil(p·n/100)); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1]!
}

export interface Summary {
  n: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length
  if (n === 0) return { n, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN }
  const sorted = Float64Array.from(values).sort()
  const at = (p: number) => sorted[Math.min(Math.max(1, Math.ceil((p / 100) * n)), n) - 1]!
  let sum = 0
  for (const value of sorted) sum += value
  return { n, p50: at(50), p90: at(90), p99: at(99), max: sorted[n - 1]!, mean: sum / n }
}

/** Rounds for reports: 3 significant decimals below 10, fewer above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value
  const digits = Math.abs(value) < 10 ? 3 : Math.abs(value) < 1000 ? 2 : 0
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

export function roundSummary(summary: Summary): Summary {
  return {
    n: summary.n,
    p50: round(summary.p50),
    p90: round(summary.p90),
    p99: round(summary.p99),
    max: round(summary.max),
    mean: round(summary.mean),
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Runs `work` for each item with at most `limit` at a time. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index]!, index)
    }
  })
  await Promise.all(lanes)
  return results
}

/** Rejects when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
