const UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

/** `386000000` → `386 MB` (decimal units, as download tools show them). */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`
}

/** `95` → `1 min 35 s left`; under a second → `almost done`. */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 1) return 'almost done'
  const whole = Math.round(seconds)
  if (whole < 60) return `${whole} s left`
  const minutes = Math.floor(whole / 60)
  if (minutes < 60) return `${minutes} min ${whole % 60} s left`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`
}
