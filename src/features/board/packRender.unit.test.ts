import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createViews } from '../../platform/http/views.ts'
import { docxText, pdfText } from '../policies/testkit.ts'
import type { BoardPack } from './packModel.ts'
import { packDocx, packFilename, packPdf, pdfSafe, xmlSafe } from './packRender.ts'

/** What people typed, with what HTML, XML and PDF each have to take care of. */
const TRICKY = `<script>alert("x")</script> & 'quotes' — it’s 9–5`

function fullPack(): BoardPack {
  return {
    organisationName: 'Northmoor District Council',
    boardName: 'AI Governance Board',
    meetsAt: new Date('2026-12-10T10:00:00Z'),
    location: 'Committee Room 2, Town Hall',
    quorum: 'At least 3 members, including the chair or deputy and the DPO or SIRO',
    members: [{ name: 'Alex Chair', seat: 'Chair' }, { name: 'Dana Protection', seat: 'Data protection officer' }],
    generatedAt: new Date('2026-12-03T09:00:00Z'),
    items: [
      {
        position: 1, kind: 'decision', title: 'Benefits letter drafting assistant',
        condition: null, decision: null,
        entry: {
          id: '00000000-0000-4000-8000-0000000000e1', name: 'Benefits letter drafting assistant',
          purpose: `Drafts letters. ${TRICKY}\nSecond line of the purpose.`,
          serviceArea: 'Revenues & Benefits', owner: 'Sam Owner', supplier: null, stage: 'Awaiting decision', riskTier: 'High',
          decisionRole: 'Supports a person who decides', peopleAffected: 'Residents claiming benefits', humanOversight: 'An officer reads every letter',
          assessments: [
            { title: 'Data protection impact assessment', needed: true, status: 'Submitted', tier: 'High', summary: `Lawful basis: public task ${TRICKY}` },
            { title: 'Equality impact assessment', needed: true, status: 'Not started', tier: null, summary: null },
          ],
          openMustActions: [{ text: `Publish a privacy notice ${TRICKY}`, owner: null, dueDate: '2027-01-31', sources: 'DPIA 4.2' }],
          risks: [{
            category: 'Accuracy', description: `Letters state the wrong amount ${TRICKY}`, inherent: 'High', residual: 'Medium',
            owner: 'Sam Owner', mitigation: 'Amounts come from the benefits system, never the model',
          }],
          atrs: [{ label: 'Tool name', value: 'Letter assistant' }, { label: 'Why we use it', value: `Faster replies ${TRICKY}` }],
        },
      },
      {
        position: 2, kind: 'condition', title: 'Overdue condition: bias testing report',
        entry: null, decision: null,
        condition: { text: 'Share the bias testing report with the board', owner: 'Pat Analyst', dueDate: '2026-11-01', status: 'Open' },
      },
    ],
  }
}

const emptyPack = (): BoardPack => ({ ...fullPack(), items: [] })

/**
 * pdfText reads the PDF's single-byte strings as Latin-1; the standard fonts use WinAnsi (Windows-1252),
 * which differs in 0x80–0x9F only. (Node 20's TextDecoder reads "windows-1252" as Latin-1 too.)
 */
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'
const winAnsi = (s: string) => s.replace(/[\u0080-\u009f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]!)
/** A wrapped line in a PDF, or a run split in Word, reads as one line of words. */
const flat = (s: string) => s.replace(/\s+/g, ' ')

describe('board pack: PDF', () => {
  it('is a valid PDF with the board, every item and the entry details, special characters readable', async () => {
    const pdf = await packPdf(fullPack())
    const text = flat(winAnsi(pdfText(pdf)))
    for (const s of ['AI Governance Board', 'Northmoor District Council', 'Committee Room 2, Town Hall', 'Alex Chair, Chair',
      '1. Benefits letter drafting assistant', '2. Overdue condition: bias testing report',
      'Data protection impact assessment', 'Publish a privacy notice', 'Letters state the wrong amount', 'Why we use it',
      'Share the bias testing report with the board', 'Page 1 of']) {
      assert.ok(text.includes(s), `the PDF holds "${s}"`)
    }
    assert.ok(text.includes(`<script>alert("x")</script> & 'quotes' — it’s 9–5`), `tricky text survives as it was typed: ${text.slice(0, 400)}`)
    assert.ok(text.includes('No transparency record drafted yet') === false, 'the entry has an ATRS draft, so no "none" sentence')
  })

  it('says so when the meeting has nothing on its agenda', async () => {
    const text = flat(pdfText(await packPdf(emptyPack())))
    assert.ok(text.includes("There is nothing on this meeting's agenda yet."), `empty-pack sentence: ${text}`)
    assert.ok(text.includes('AI Governance Board'), 'board name on an empty pack')
  })

  it('does not break on letters beyond WinAnsi (Welsh, Polish, other scripts, emoji, control characters)', async () => {
    const pack = fullPack()
    pack.boardName = 'Bwrdd Llywodraethu ŵ ŷ – Zarząd ł Ł'
    pack.items[1]!.title = 'Przegląd łańcucha 審査 😀 tab\there \u0001 end'
    const pdf = await packPdf(pack)
    const text = flat(winAnsi(pdfText(pdf)))
    assert.ok(text.includes('Bwrdd Llywodraethu w y – Zarzad l L'), `accents folded, en dash kept: ${text.slice(0, 300)}`)
    assert.ok(text.includes('2. Przeglad lancucha ?? ? tab here end'), `other scripts become "?", controls dropped: ${text}`)
  })
})

describe('board pack: DOCX', () => {
  it('is a valid Word document with the board, every item and the entry details, special characters as typed', async () => {
    const text = flat(await docxText(await packDocx(fullPack())))
    for (const s of ['AI Governance Board', 'Northmoor District Council', '1. Benefits letter drafting assistant',
      '2. Overdue condition: bias testing report', 'Data protection impact assessment', 'Publish a privacy notice',
      'Letters state the wrong amount', 'Why we use it', 'Share the bias testing report with the board', 'Second line of the purpose']) {
      assert.ok(text.includes(s), `the DOCX holds "${s}"`)
    }
    assert.ok(text.includes(TRICKY), `tricky text survives as it was typed: ${text.slice(0, 400)}`)
  })

  it('says so when the meeting has nothing on its agenda, and keeps letters beyond Latin-1', async () => {
    const pack = emptyPack()
    pack.boardName = 'Bwrdd ŵ Zarząd ł \u0001'
    const text = flat(await docxText(await packDocx(pack)))
    assert.ok(text.includes("There is nothing on this meeting's agenda yet."), `empty-pack sentence: ${text}`)
    assert.ok(text.includes('Bwrdd ŵ Zarząd ł'), `Word keeps Welsh and Polish letters: ${text}`)
  })
})

describe('board pack: helpers', () => {
  it('names the file after the meeting day in the UK', () => {
    assert.equal(packFilename(fullPack(), 'pdf'), 'board-pack-2026-12-10.pdf', 'PDF name')
    assert.equal(packFilename({ meetsAt: new Date('2026-06-30T23:30:00Z') }, '.docx'), 'board-pack-2026-07-01.docx', 'late evening UTC is the next day in BST')
  })

  it('keeps what WinAnsi draws and stands in for what it does not', () => {
    assert.equal(pdfSafe('it’s 9–5 — “ok” € é ß'), 'it’s 9–5 — “ok” € é ß', 'WinAnsi characters unchanged')
    assert.equal(pdfSafe('ŵŷ łŁ e\u0301 ﬁ'), 'wy lL é fi', 'accents folded, decomposed letters composed, ligatures split')
    assert.equal(pdfSafe('a\r\nb\u200bc\u0007d'), 'a\nbcd', 'CRLF to LF, zero-width and control characters dropped')
    assert.equal(xmlSafe('a\u0000b\u000bc\r\nd ŵ'), 'abc\nd ŵ', 'XML-illegal characters dropped, letters kept')
  })
})

describe('board pack: print page', () => {
  const views = createViews()
  const render = (pack: BoardPack) => views.render('board/views/pack.njk', { pack, meetingId: 'm-1', pageTitle: 'Board pack' })

  it('shows the meeting, the agenda and each item, with text escaped', () => {
    const html = render(fullPack())
    for (const s of ['AI Governance Board', 'Committee Room 2, Town Hall', '1. Benefits letter drafting assistant',
      '2. Overdue condition: bias testing report', 'Data protection impact assessment', 'Publish a privacy notice',
      'Letters state the wrong amount', 'Why we use it', 'Share the bias testing report with the board',
      'href="/board/meetings/m-1/pack.pdf"', 'href="/board/meetings/m-1/pack.docx"', 'govuk-summary-list', 'govuk-table', 'app-board-pack']) {
      assert.ok(html.includes(s), `the page holds ${s}`)
    }
    assert.doesNotMatch(html, /<script>alert/, 'typed markup is escaped')
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;quotes&#39;/, 'typed markup shown as text')
    assert.ok(html.includes('it’s 9–5'), 'curly apostrophe and en dash as typed')
    assert.ok(html.includes('No open MUST actions') === false, 'the entry has an open action')
  })

  it('says so when the meeting has nothing on its agenda', () => {
    const html = render(emptyPack())
    assert.ok(html.includes('There is nothing on this meeting&#39;s agenda yet.'), 'empty-pack sentence')
    assert.ok(!html.includes('app-board-pack__item'), 'no item sections')
  })

  it('says when an entry has no actions, risks or transparency record', () => {
    const pack = fullPack()
    const entry = pack.items[0]!.entry!
    pack.items[0]!.entry = { ...entry, openMustActions: [], risks: [], atrs: null, assessments: [] }
    const html = render(pack)
    for (const s of ['No open MUST actions.', 'No risks recorded.', 'No transparency record drafted yet.', 'No assessments recorded.']) {
      assert.ok(html.includes(s), `the page says "${s}"`)
    }
  })
})
