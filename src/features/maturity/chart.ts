/**
 * The organisation's maturity over time, drawn on the server as SVG (no JavaScript): a grid with
 * a row per dimension and a column per assessment, each cell holding the level as a number on a
 * shade that darkens with the level (the number, not the colour, carries the meaning). The chart
 * is an image to assistive technology (role="img") named by its <title> and described by its
 * <desc>; the page gives the same description as text and the figures as a table.
 */

import { escapeXml, FONT, INK } from '../../platform/http/charts.ts'

export interface HistoryColumn {
  /** The column's heading (the assessment's date). */
  label: string
  /** Level by dimension id. */
  scores: Record<string, number>
}

export interface HistoryChartText {
  id: string
  title: string
  description: string
}

/** At most this many assessments (the latest) are drawn; the table has them all. */
export const CHART_COLUMNS = 8

/** Fill and text colour per level 1–5 (GOV.UK blues; each pair has a contrast above 4.5:1). */
const SHADES: Record<number, [string, string]> = {
  1: ['#e8f1f8', INK], 2: ['#bfd6ec', INK], 3: ['#8eb8dc', INK], 4: ['#1d70b8', '#ffffff'], 5: ['#003078', '#ffffff'],
}


/** The grid as SVG markup; empty string when there is nothing to draw. */
export function historyChart(text: HistoryChartText, dimensions: readonly { id: string; title: string }[], columns: readonly HistoryColumn[]): string {
  if (!columns.length || !dimensions.length) return ''
  const shown = columns.slice(-CHART_COLUMNS)
  const labelWidth = 200
  const cell = 64
  const row = 30
  const top = 28
  const width = labelWidth + shown.length * cell
  const height = top + dimensions.length * row
  const id = text.id.replace(/[^A-Za-z0-9_-]/g, '-')
  const head = shown.map((c, j) =>
    `<text x="${labelWidth + j * cell + cell / 2}" y="18" font-size="12" text-anchor="middle" fill="${INK}" ${FONT}>${escapeXml(c.label)}</text>`).join('')
  const rows = dimensions.map((d, i) => {
    const y = top + i * row
    const label = `<text x="0" y="${y + 20}" font-size="14" fill="${INK}" ${FONT}>${escapeXml(d.title)}</text>`
    const cells = shown.map((c, j) => {
      const level = c.scores[d.id]
      const x = labelWidth + j * cell
      if (level === undefined) return `<rect x="${x + 2}" y="${y + 2}" width="${cell - 4}" height="${row - 4}" fill="#ffffff" stroke="#b1b4b6"/>`
      const [fill, ink] = SHADES[level] ?? SHADES[1]!
      return `<rect x="${x + 2}" y="${y + 2}" width="${cell - 4}" height="${row - 4}" fill="${fill}"/>` +
        `<text x="${x + cell / 2}" y="${y + 20}" font-size="15" font-weight="700" text-anchor="middle" fill="${ink}" ${FONT}>${level}</text>`
    }).join('')
    return `<g>${label}${cells}</g>`
  }).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" preserveAspectRatio="xMinYMin meet" focusable="false">` +
    `<title id="${id}-title">${escapeXml(text.title)}</title><desc id="${id}-desc">${escapeXml(text.description)}</desc>${head}${rows}</svg>`
}
