type Cell = string | number | null

/**
 * Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP "CSV injection"); only text
 * cells are touched, so negative numbers stay numbers.
 */
const FORMULA_START = /^[=+\-@\t\r]/

function cell(value: Cell): string {
  if (value === null) return ''
  if (typeof value === 'number') return String(value)
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** RFC 4180 CSV: a header line, then one line per row, CRLF line ends. */
function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}

/** Columns of a list of flat objects, in the order of the first one's keys (or `columns` when the list is empty). */
export function objectsToCsv<T extends Record<string, Cell>>(
  columns: readonly (keyof T & string)[],
  items: readonly T[],
): string {
  return toCsv(
    columns,
    items.map((item) => columns.map((column) => item[column] ?? null)),
  )
}
