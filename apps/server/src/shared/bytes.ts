const UNITS = ['kB', 'MB', 'GB', 'TB'] as const

/** Decimal units, as Hugging Face shows file sizes: `386.4 MB` (or `386 MB` with `digits` 0). */
export function formatBytes(bytes: number, digits = 1): string {
  if (bytes < 1000) return `${bytes} B`
  let value = bytes
  let unit: string = 'B'
  for (const next of UNITS) {
    if (value < 1000) break
    value /= 1000
    unit = next
  }
  return `${value.toFixed(digits)} ${unit}`
}
