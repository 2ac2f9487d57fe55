/**
 * CSV downloads (RFC 4180). A value a spreadsheet could run as a formula (starting = + - @, tab or
 * CR) gets a leading apostrophe, so opening a download never runs what someone typed into a field.
 */

/** One CSV cell: formulas defused, then quoted when it holds a comma, quote, CR or LF. */
export function csvCell(value: string): string {
  let v = value
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

/** Rows of cells as CSV with CRLF line ends (each line, the last too, ends CRLF). */
export function csvLines(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => `${r.map(csvCell).join(',')}\r\n`).join('')
}
