/**
 * Charts drawn on the server as SVG, with no JavaScript: pure functions from figures to markup,
 * for any feature's page (the dashboard, the benchmark; the maturity grid uses the helpers).
 * Each chart is an image to assistive technology (role="img") named by its <title> and described
 * by its <desc>, which says every figure in words; the page puts a table of the same figures
 * beside it. Colours are GOV.UK's (bars #1d70b8 on white, text #0b0c0c) and are set as
 * presentation attributes, which the content security policy allows.
 */

export interface Bar {
  label: string
  value: number
}

export interface ChartText {
  /** Unique on the page: the ids of the title and description derive from it. */
  id: string
  title: string
  /** What the chart shows, in a sentence; the figures are added to it. */
  description: string
}

const WIDTH = 400
const BLUE = '#1d70b8'
/** GOV.UK's text colour, and the font every chart's text is set in. */
export const INK = '#0b0c0c'
export const FONT = 'font-family="GDS Transport, arial, sans-serif"'

/** Text safe inside SVG/HTML elements and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** A whole-number percentage, or null when there is nothing to count out of. */
export function percent(value: number, total: number): number | null {
  if (!(total > 0)) return null
  return Math.round((Math.max(0, value) / total) * 100)
}

const safeId = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '-')
const count = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0)

function frame(text: ChartText, height: number, desc: string, body: string): string {
  const id = safeId(text.id)
  return `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
    `viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" focusable="false">` +
    `<title id="${id}-title">${escapeXml(text.title)}</title><desc id="${id}-desc">${escapeXml(desc)}</desc>${body}</svg>`
}

/**
 * A horizontal bar chart: each bar's label above it and its value at its end, bars scaled to the
 * largest value. Empty string when there are no bars (the page says there is nothing yet).
 */
export function barChart(text: ChartText, bars: readonly Bar[]): string {
  if (!bars.length) return ''
  const values = bars.map((b) => count(b.value))
  const max = Math.max(1, ...values)
  const row = 44
  const room = WIDTH - 56
  const body = bars.map((b, i) => {
    const y = i * row
    const w = values[i]! === 0 ? 0 : Math.max(2, Math.round((values[i]! / max) * room))
    return `<g><text x="0" y="${y + 15}" font-size="15" fill="${INK}" ${FONT}>${escapeXml(b.label)}</text>` +
      `<rect x="0" y="${y + 21}" width="${w}" height="16" fill="${BLUE}"/>` +
      `<text x="${w + 6}" y="${y + 35}" font-size="15" font-weight="700" fill="${INK}" ${FONT}>${values[i]}</text></g>`
  }).join('')
  const said = bars.map((b, i) => `${b.label}: ${values[i]}`).join('; ')
  return frame(text, bars.length * row, `${text.description} ${said}.`, body)
}

/**
 * One bar showing a part of a whole, with the percentage written above it. Empty string when the
 * whole is zero (no percentage can be given).
 */
export function proportionBar(text: ChartText, part: Bar, total: number): string {
  const whole = count(total)
  const value = Math.min(count(part.value), whole)
  const pc = percent(value, whole)
  if (pc === null) return ''
  const w = Math.round((value / whole) * (WIDTH - 2))
  const words = `${pc}% (${value} of ${whole})`
  const body = `<text x="0" y="18" font-size="17" font-weight="700" fill="${INK}" ${FONT}>${escapeXml(words)}</text>` +
    `<rect x="1" y="28" width="${WIDTH - 2}" height="20" fill="#ffffff" stroke="${INK}" stroke-width="1"/>` +
    `<rect x="1" y="28" width="${w}" height="20" fill="${BLUE}"/>`
  return frame(text, 50, `${text.description} ${part.label}: ${words}.`, body)
}
