import {
  AlignmentType, Document, Footer, HeadingLevel, Packer, PageNumber, Paragraph, Table, TableCell, TableRow, TextRun, WidthType,
} from 'docx'
import PDFDocument from 'pdfkit'
import { formatDate, formatDateTime } from '../../platform/http/views.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { BoardPack, PackEntry, PackItem } from './packModel.ts'

/**
 * A meeting's board pack as documents a member can file, print or read offline: PDF (pdfkit) and
 * Word (docx), made on the server from the one BoardPack. Both lay out the same list of blocks
 * (`packBlocks`), so they say the same things in the same order as the print page (pack.njk):
 * the meeting, its members and agenda, then each item from a new page.
 */

export type PackBlock =
  | { kind: 'caption'; text: string }
  | { kind: 'title'; text: string }
  | { kind: 'heading'; level: 2 | 3; text: string; newPage?: boolean }
  | { kind: 'paragraph'; text: string }
  | { kind: 'facts'; rows: [label: string, value: string][] }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][]; widths: (number | '*')[] }

const orNotSet = (s: string | null | undefined) => (s && s.trim() ? s : t('board.pack.notSet'))
const dateOrNotSet = (s: string | null) => (s ? formatDate(s) : t('board.pack.notSet'))

/** The pack's file name: the meeting's day (in the UK), e.g. board-pack-2026-12-10.pdf. */
export function packFilename(pack: Pick<BoardPack, 'meetsAt'>, ext: string): string {
  const day = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/London' }).format(pack.meetsAt)
  return `board-pack-${day}.${ext.replace(/^\./, '')}`
}

function entryBlocks(e: PackEntry): PackBlock[] {
  const out: PackBlock[] = [
    { kind: 'heading', level: 3, text: t('board.pack.summary', { name: e.name }) },
    {
      kind: 'facts', rows: [
        [t('board.pack.entry.purpose'), orNotSet(e.purpose)],
        [t('board.pack.entry.serviceArea'), orNotSet(e.serviceArea)],
        [t('board.pack.entry.owner'), orNotSet(e.owner)],
        [t('board.pack.entry.supplier'), orNotSet(e.supplier)],
        [t('board.pack.entry.stage'), orNotSet(e.stage)],
        [t('board.pack.entry.riskTier'), e.riskTier ?? t('tier.unscreened')],
        [t('board.pack.entry.decisionRole'), orNotSet(e.decisionRole)],
        [t('board.pack.entry.peopleAffected'), orNotSet(e.peopleAffected)],
        [t('board.pack.entry.humanOversight'), orNotSet(e.humanOversight)],
      ],
    },
    { kind: 'heading', level: 3, text: t('board.pack.assessments') },
  ]
  if (e.assessments.length) {
    out.push({
      kind: 'table', widths: ['*', 45, 70, 60, '*'],
      head: ['title', 'needed', 'status', 'tier', 'summary'].map((k) => t(`board.pack.assessment.${k}`)),
      rows: e.assessments.map((a) => [a.title, t(a.needed ? 'common.yes' : 'common.no'), a.status, a.tier ?? '', a.summary ?? '']),
    })
  } else out.push({ kind: 'paragraph', text: t('board.pack.noAssessments') })
  out.push({ kind: 'heading', level: 3, text: t('board.pack.actions') })
  if (e.openMustActions.length) {
    out.push({
      kind: 'table', widths: ['*', 80, 70, 90],
      head: ['text', 'owner', 'dueDate', 'sources'].map((k) => t(`board.pack.action.${k}`)),
      rows: e.openMustActions.map((a) => [a.text, orNotSet(a.owner), dateOrNotSet(a.dueDate), a.sources]),
    })
  } else out.push({ kind: 'paragraph', text: t('board.pack.noActions') })
  out.push({ kind: 'heading', level: 3, text: t('board.pack.risks') })
  if (e.risks.length) {
    out.push({
      kind: 'table', widths: [65, '*', 55, 55, 60, '*'],
      head: ['category', 'description', 'inherent', 'residual', 'owner', 'mitigation'].map((k) => t(`board.pack.risk.${k}`)),
      rows: e.risks.map((r) => [r.category, r.description, r.inherent ?? '', r.residual ?? '', orNotSet(r.owner), r.mitigation ?? '']),
    })
  } else out.push({ kind: 'paragraph', text: t('board.pack.noRisks') })
  out.push({ kind: 'heading', level: 3, text: t('board.pack.atrs') })
  if (e.atrs && e.atrs.length) out.push({ kind: 'facts', rows: e.atrs.map((f) => [f.label, f.value]) })
  else out.push({ kind: 'paragraph', text: t('board.pack.noAtrs') })
  return out
}

function itemBlocks(item: PackItem, number: number): PackBlock[] {
  const out: PackBlock[] = [
    { kind: 'heading', level: 2, text: t('board.pack.itemHeading', { number, title: item.title }), newPage: true },
    { kind: 'facts', rows: [[t('board.pack.itemKind'), t(`board.pack.kind.${item.kind}`)]] },
  ]
  if (item.condition) {
    const c = item.condition
    out.push({ kind: 'heading', level: 3, text: t('board.pack.condition') }, {
      kind: 'facts', rows: [
        [t('board.pack.condition.text'), c.text],
        [t('board.pack.condition.owner'), orNotSet(c.owner)],
        [t('board.pack.condition.dueDate'), dateOrNotSet(c.dueDate)],
        [t('board.pack.condition.status'), c.status],
      ],
    })
  }
  if (item.decision) {
    const d = item.decision
    out.push({ kind: 'heading', level: 3, text: t('board.pack.decision') }, {
      kind: 'facts', rows: [
        [t('board.pack.decision.outcome'), d.outcome],
        [t('board.pack.decision.rationale'), d.rationale],
        [t('board.pack.decision.decidedBy'), d.decidedBy],
        [t('board.pack.decision.decidedAt'), formatDateTime(d.decidedAt)],
      ],
    })
  }
  if (item.entry) out.push(...entryBlocks(item.entry))
  return out
}

/** The whole pack, in reading order. Items are numbered in the order they come (the agenda's order). */
export function packBlocks(pack: BoardPack): PackBlock[] {
  const out: PackBlock[] = [
    { kind: 'caption', text: `${pack.organisationName} · ${t('board.pack.title')}` },
    { kind: 'title', text: pack.boardName },
    {
      kind: 'facts', rows: [
        [t('board.pack.meetsAt'), formatDateTime(pack.meetsAt)],
        [t('board.pack.location'), orNotSet(pack.location)],
        [t('board.pack.quorum'), orNotSet(pack.quorum)],
        [t('board.pack.generatedAt'), formatDateTime(pack.generatedAt)],
      ],
    },
    { kind: 'heading', level: 2, text: t('board.pack.members') },
    pack.members.length
      ? { kind: 'list', ordered: false, items: pack.members.map((m) => t('board.pack.member', { name: m.name, seat: m.seat })) }
      : { kind: 'paragraph', text: t('board.pack.noMembers') },
    { kind: 'heading', level: 2, text: t('board.pack.agenda') },
  ]
  if (!pack.items.length) {
    out.push({ kind: 'paragraph', text: t('board.pack.empty') })
    return out
  }
  out.push({ kind: 'list', ordered: true, items: pack.items.map((i) => i.title) })
  pack.items.forEach((item, i) => out.push(...itemBlocks(item, i + 1)))
  return out
}

// ---- PDF ----------------------------------------------------------------------------------------

/** The code points beyond Latin-1 that pdfkit's standard fonts can draw (its WinAnsi map). */
const WIN_ANSI_EXTRA = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
])
const drawable = (cp: number) => cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRA.has(cp)

/** Letters and marks that do not decompose to a drawable letter, and what stands in for them. */
const STAND_INS: Record<string, string> = {
  'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ħ': 'h', 'Ħ': 'H', 'ı': 'i', 'ŧ': 't', 'Ŧ': 'T', 'ĸ': 'k', 'ŋ': 'ng', 'Ŋ': 'NG',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2015': '\u2014', '\u2212': '-', '\u201b': '\u2018', '\u201f': '\u201c',
  '\u2032': "'", '\u2033': '"', '\u2028': '\n', '\u2029': '\n', '\t': ' ',
  '\u200b': '', '\u200c': '', '\u200d': '', '\u2060': '', '\ufeff': '', '\r': '',
}

/**
 * Text as pdfkit's standard Helvetica can draw it (WinAnsi): curly quotes, dashes and Latin-1
 * letters stay; other accented letters lose their accent (Welsh ŵ → w, Polish ł → l); anything
 * else (other scripts, emoji, control characters) becomes "?". Without this, a letter beyond
 * WinAnsi comes out as a wrong glyph or breaks the text operator.
 */
export function pdfSafe(text: string): string {
  let out = ''
  for (const ch of text.replace(/\r\n/g, '\n').normalize('NFC')) {
    const cp = ch.codePointAt(0)!
    if (drawable(cp)) { out += ch; continue }
    if (ch in STAND_INS) { out += STAND_INS[ch]; continue }
    const folded = ch.normalize('NFKD').replace(/\p{M}/gu, '')
    if ([...folded].every((c) => drawable(c.codePointAt(0)!))) out += folded // '' for a lone combining mark
    else if (/\p{Cc}|\p{Cf}/u.test(ch)) continue
    else out += '?'
  }
  return out
}

const INK = '#0b0c0c'
const SECONDARY = '#505a5f'
const BORDER = '#b1b4b6'
const HEAD_FILL = '#f3f2f1'

export function packPdf(pack: BoardPack): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4', margin: 56, bufferPages: true, lang: 'en-GB', displayTitle: true,
      info: { Title: pdfSafe(`${t('board.pack.title')}: ${pack.boardName}`), Author: pdfSafe(pack.organisationName), Subject: formatDateTime(pack.meetsAt) },
    })
    const chunks: Buffer[] = []
    doc.on('data', (c: Buffer) => chunks.push(c))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
    const left = doc.page.margins.left
    for (const b of packBlocks(pack)) {
      doc.x = left
      switch (b.kind) {
        case 'caption': doc.font('Helvetica').fontSize(11).fillColor(SECONDARY).text(pdfSafe(b.text)).moveDown(0.3); break
        case 'title': doc.font('Helvetica-Bold').fontSize(22).fillColor(INK).text(pdfSafe(b.text)).moveDown(0.6); break
        case 'heading':
          if (b.newPage) doc.addPage()
          else doc.moveDown(b.level === 2 ? 0.8 : 0.5)
          doc.font('Helvetica-Bold').fontSize(b.level === 2 ? 16 : 13).fillColor(INK).text(pdfSafe(b.text)).moveDown(0.3)
          break
        case 'paragraph': doc.font('Helvetica').fontSize(11).fillColor(INK).text(pdfSafe(b.text)).moveDown(0.5); break
        case 'facts':
          for (const [k, v] of b.rows) {
            doc.font('Helvetica-Bold').fontSize(10).fillColor(INK).text(`${pdfSafe(k)}: `, { continued: true })
              .font('Helvetica').text(pdfSafe(v)).moveDown(0.2)
          }
          doc.moveDown(0.4)
          break
        case 'list':
          doc.font('Helvetica').fontSize(11).fillColor(INK)
          b.items.forEach((text, i) => doc.text(`${b.ordered ? `${i + 1}.` : '•'} ${pdfSafe(text)}`, { indent: 14 }).moveDown(0.2))
          doc.moveDown(0.4)
          break
        case 'table':
          doc.font('Helvetica').fontSize(9).fillColor(INK)
          doc.table({
            columnStyles: b.widths.map((width) => ({ width })),
            defaultStyle: { border: 0.5, borderColor: BORDER, padding: [3, 4, 3, 4] },
            data: [
              b.head.map((text) => ({ text: pdfSafe(text), type: 'TH' as const, font: { family: 'Helvetica-Bold', size: 9 }, backgroundColor: HEAD_FILL })),
              ...b.rows.map((row) => row.map((text) => ({ text: pdfSafe(text), font: { family: 'Helvetica', size: 9 } }))),
            ],
          })
          doc.x = left
          doc.moveDown(0.8)
          break
      }
    }
    // Every page says whose pack it is and where it is in it, as a printed pack should.
    const range = doc.bufferedPageRange()
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i)
      const bottom = doc.page.margins.bottom
      doc.page.margins.bottom = 0
      const line = `${pdfSafe(pack.boardName)} · ${formatDate(pack.meetsAt)} · ${t('board.pack.pageNumber', { page: i + 1, pages: range.count })}`
      doc.font('Helvetica').fontSize(8).fillColor(SECONDARY)
        .text(line, left, doc.page.height - bottom / 2 - 4, { width: doc.page.width - left - doc.page.margins.right, align: 'center', lineBreak: false })
      doc.page.margins.bottom = bottom
    }
    doc.end()
  })
}

// ---- DOCX ---------------------------------------------------------------------------------------

/** Text as XML 1.0 allows it (no control characters or lone surrogates, which would make Word refuse the file). */
export function xmlSafe(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/[^\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
}

/** A text with its line breaks kept (a Word run does not break at "\n"). */
function runs(text: string, style: { bold?: boolean; color?: string; size?: number } = {}): TextRun[] {
  return xmlSafe(text).split('\n').map((line, i) => new TextRun({ text: line, ...style, ...(i > 0 ? { break: 1 } : {}) }))
}

const cell = (text: string, header = false) => new TableCell({
  children: [new Paragraph({ children: runs(text, header ? { bold: true } : {}) })],
  ...(header ? { shading: { fill: HEAD_FILL.slice(1).toUpperCase() } } : {}),
})

function docxTable(b: Extract<PackBlock, { kind: 'table' }>): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: b.head.map((h) => cell(h, true)) }),
      ...b.rows.map((row) => new TableRow({ cantSplit: true, children: row.map((text) => cell(text)) })),
    ],
  })
}

/** "Page {page} of {pages}" with Word's own page fields in the placeholders. */
function pageNumberRuns(): TextRun {
  const template = t('board.pack.pageNumber', { page: '{page}', pages: '{pages}' })
  const children = template.split(/(\{page\}|\{pages\})/).filter(Boolean)
    .map((part) => (part === '{page}' ? PageNumber.CURRENT : part === '{pages}' ? PageNumber.TOTAL_PAGES : xmlSafe(part)))
  return new TextRun({ children, color: SECONDARY.slice(1).toUpperCase(), size: 16 })
}

export function packDocx(pack: BoardPack): Promise<Buffer> {
  const children: (Paragraph | Table)[] = []
  for (const b of packBlocks(pack)) {
    switch (b.kind) {
      case 'caption': children.push(new Paragraph({ children: runs(b.text, { color: SECONDARY.slice(1).toUpperCase() }) })); break
      case 'title': children.push(new Paragraph({ heading: HeadingLevel.TITLE, children: runs(b.text) })); break
      case 'heading':
        children.push(new Paragraph({
          heading: b.level === 2 ? HeadingLevel.HEADING_1 : HeadingLevel.HEADING_2, pageBreakBefore: b.newPage ?? false, children: runs(b.text),
        }))
        break
      case 'paragraph': children.push(new Paragraph({ alignment: AlignmentType.LEFT, children: runs(b.text) })); break
      case 'facts':
        for (const [k, v] of b.rows) children.push(new Paragraph({ children: [...runs(`${k}: `, { bold: true }), ...runs(v)] }))
        children.push(new Paragraph({ text: '' }))
        break
      case 'list':
        b.items.forEach((text, i) => children.push(new Paragraph({ children: runs(`${b.ordered ? `${i + 1}.` : '•'} ${text}`), indent: { left: 360 } })))
        children.push(new Paragraph({ text: '' }))
        break
      case 'table':
        children.push(docxTable(b), new Paragraph({ text: '' }))
        break
    }
  }
  const doc = new Document({
    title: xmlSafe(`${t('board.pack.title')}: ${pack.boardName}`), creator: xmlSafe(pack.organisationName), description: formatDateTime(pack.meetsAt),
    sections: [{
      footers: {
        default: new Footer({
          children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [...runs(`${pack.boardName} · ${formatDate(pack.meetsAt)} · `, { color: SECONDARY.slice(1).toUpperCase(), size: 16 }), pageNumberRuns()] })],
        }),
      },
      children,
    }],
  })
  return Packer.toBuffer(doc)
}
