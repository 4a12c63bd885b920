/**
 * The wait a limit asks for (`Retry-After`, `retry_after_seconds`), as a person would say it: most limits are per
 * minute; some are hourly or daily.
 */
export function waitInWords(seconds = 0): string {
  if (seconds <= 60) return 'wait a minute and try again'
  if (seconds < 3_600) return `try again in ${Math.ceil(seconds / 60)} minutes`
  const hours = Math.round(seconds / 3_600)
  return `try again in ${hours === 1 ? 'an hour' : `${hours} hours`}`
}
