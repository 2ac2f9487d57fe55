import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx'
import { lexer, type Token, type Tokens } from 'marked'
import PDFDocument from 'pdfkit'
import { formatDate } from '../../platform/http/views.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { PublishedPolicy } from './service.ts'

/**
 * The policy in force as documents a council can file, print or send: PDF (pdfkit) and Word (docx),
 * made on the server from the published Markdown. Each starts with the council's name, the title,
 * the version, the effective and review dates and who approved it.
 */

type Block =
  | { kind: 'heading'; depth: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'item'; text: string; ordered: boolean; index: number }

/** Inline Markdown as plain text (emphasis, links and code lose their marks, keep their words). */
function plain(tokens: Token[] | undefined, fallback = ''): string {
  if (!tokens) return fallback
  return tokens.map((tok) => {
    if ('tokens' in tok && Array.isArray(tok.tokens) && tok.tokens.length) return plain(tok.tokens)
    if (tok.type === 'br') return '\n'
    return 'text' in tok && typeof tok.text === 'string' ? tok.text : ''
  }).join('')
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')

/** The published Markdown as a list of headings, paragraphs and list items. Raw HTML is dropped. */
export function blocksOf(markdown: string): Block[] {
  const out: Block[] = []
  const walk = (tokens: Token[]) => {
    for (const tok of tokens) {
      switch (tok.type) {
        case 'heading': out.push({ kind: 'heading', depth: (tok as Tokens.Heading).depth, text: decode(plain((tok as Tokens.Heading).tokens)) }); break
        case 'paragraph': out.push({ kind: 'paragraph', text: decode(plain((tok as Tokens.Paragraph).tokens)) }); break
        case 'text': out.push({ kind: 'paragraph', text: decode(plain((tok as Tokens.Text).tokens, (tok as Tokens.Text).text)) }); break
        case 'list': {
          const list = tok as Tokens.List
          list.items.forEach((item, i) => {
            const text = item.tokens.map((x) => ('tokens' in x && Array.isArray(x.tokens) ? plain(x.tokens) : 'text' in x ? String(x.text) : '')).join(' ')
            out.push({ kind: 'item', text: decode(text.trim()), ordered: list.ordered, index: (typeof list.start === 'number' ? list.start : 1) + i })
          })
          break
        }
        case 'blockquote': walk((tok as Tokens.Blockquote).tokens); break
        case 'code': out.push({ kind: 'paragraph', text: (tok as Tokens.Code).text }); break
        case 'table': {
          const table = tok as Tokens.Table
          out.push({ kind: 'paragraph', text: table.header.map((c) => decode(plain(c.tokens))).join(' | ') })
          for (const row of table.rows) out.push({ kind: 'paragraph', text: row.map((c) => decode(plain(c.tokens))).join(' | ') })
          break
        }
        default: break // space, hr, html: nothing to print
      }
    }
  }
  walk(lexer(markdown))
  return out
}

/** The lines under the title: council, version, dates, approver. */
function facts(p: PublishedPolicy): [string, string][] {
  const v = p.version
  return [
    [t('policies.doc.organisation'), p.organisation.name],
    [t('policies.doc.version'), v.label ?? String(v.number)],
    [t('policies.doc.effective'), formatDate(v.effectiveDate)],
    [t('policies.doc.review'), formatDate(v.reviewDate)],
    [t('policies.doc.approvedBy'), v.approvedByName ?? t('policies.doc.unknown')],
    [t('policies.doc.approvedOn'), formatDate(v.approvedAt)],
  ]
}

export function policyPdf(p: PublishedPolicy): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4', margin: 56,
      info: { Title: p.version.title, Author: p.organisation.name, Subject: `${t('policies.doc.version')} ${p.version.label ?? ''}`.trim() },
    })
    const chunks: Buffer[] = []
    doc.on('data', (c: Buffer) => chunks.push(c))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
    doc.font('Helvetica').fontSize(11).fillColor('#505a5f').text(p.organisation.name)
    doc.moveDown(0.5)
    doc.font('Helvetica-Bold').fontSize(22).fillColor('#0b0c0c').text(p.version.title)
    doc.moveDown(0.5)
    for (const [k, v] of facts(p)) doc.font('Helvetica').fontSize(10).text(`${k}: ${v}`)
    doc.moveDown(1)
    for (const b of blocksOf(p.markdown)) {
      if (b.kind === 'heading') {
        doc.moveDown(0.5).font('Helvetica-Bold').fontSize(b.depth <= 1 ? 16 : b.depth === 2 ? 13 : 11).text(b.text)
        doc.moveDown(0.3)
      } else if (b.kind === 'item') {
        doc.font('Helvetica').fontSize(11).text(`${b.ordered ? `${b.index}.` : '•'} ${b.text}`, { indent: 14 })
        doc.moveDown(0.2)
      } else {
        doc.font('Helvetica').fontSize(11).text(b.text)
        doc.moveDown(0.5)
      }
    }
    doc.end()
  })
}

export function policyDocx(p: PublishedPolicy): Promise<Buffer> {
  const heading = (depth: number) => (depth <= 1 ? HeadingLevel.HEADING_1 : depth === 2 ? HeadingLevel.HEADING_2 : HeadingLevel.HEADING_3)
  const children: Paragraph[] = [
    new Paragraph({ children: [new TextRun({ text: p.organisation.name, color: '505A5F' })] }),
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(p.version.title)] }),
    ...facts(p).map(([k, v]) => new Paragraph({ children: [new TextRun({ text: `${k}: `, bold: true }), new TextRun(v)] })),
    new Paragraph({ text: '' }),
  ]
  for (const b of blocksOf(p.markdown)) {
    if (b.kind === 'heading') children.push(new Paragraph({ heading: heading(b.depth), children: [new TextRun(b.text)] }))
    else if (b.kind === 'item') children.push(new Paragraph({ children: [new TextRun(`${b.ordered ? `${b.index}.` : '•'} ${b.text}`)], indent: { left: 360 } }))
    else children.push(new Paragraph({ alignment: AlignmentType.LEFT, children: [new TextRun(b.text)] }))
  }
  const doc = new Document({
    title: p.version.title, creator: p.organisation.name, description: `${t('policies.doc.version')} ${p.version.label ?? ''}`.trim(),
    sections: [{ children }],
  })
  return Packer.toBuffer(doc)
}
