import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Organisation } from '../organisations/model.ts'
import { nextVersionNumbers, publishInput, slugify } from './model.ts'
import { fillPlaceholders, renderMarkdown, wordDiff } from './render.ts'

/** Markdown an author (or a pasted document) might bring → what must not survive, and what must. */
const SANITISER_CASES: { name: string; markdown: string; absent: RegExp[]; present?: RegExp[] }[] = [
  { name: 'a script tag', markdown: 'Before <script>alert(1)</script> after', absent: [/<script/i, /alert\(1\)/], present: [/Before/, /after/] },
  { name: 'a script block', markdown: '<script>\nfetch("/steal")\n</script>\n\nText', absent: [/<script/i, /steal/], present: [/Text/] },
  { name: 'an event handler on an image', markdown: '<img src="x" onerror="alert(1)">', absent: [/onerror/i, /<img/i] },
  { name: 'an event handler on allowed markup', markdown: '<p onclick="alert(1)">Click</p>', absent: [/onclick/i], present: [/Click/] },
  { name: 'a Markdown javascript: link', markdown: '[Read me](javascript:alert(1))', absent: [/javascript:/i, /href=/], present: [/Read me/] },
  { name: 'a javascript: link in HTML', markdown: '<a href="javascript:alert(1)">x</a>', absent: [/javascript:/i] },
  { name: 'an encoded javascript: link', markdown: '<a href="&#106;avascript:alert(1)">x</a>', absent: [/javascript/i, /&#106;/] },
  { name: 'a javascript: link with odd case and spaces', markdown: '[x]( JaVaScRiPt:alert(1) )', absent: [/javascript:/i] },
  { name: 'a data: link', markdown: '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', absent: [/data:/i, /href=/] },
  { name: 'a data: image', markdown: '![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)', absent: [/data:/i, /<img/i] },
  { name: 'a vbscript: link', markdown: '<a href="vbscript:msgbox(1)">x</a>', absent: [/vbscript/i] },
  { name: 'a raw iframe', markdown: '<iframe src="https://evil.example"></iframe>', absent: [/<iframe/i, /evil\.example/] },
  { name: 'an object and embed', markdown: '<object data="x.swf"></object><embed src="x.swf">', absent: [/<object/i, /<embed/i] },
  { name: 'a style block and attribute', markdown: '<style>body{display:none}</style><p style="color:red">Hi</p>', absent: [/<style/i, /style=/i, /display:none/], present: [/Hi/] },
  { name: 'a form', markdown: '<form action="https://evil.example"><input name="p"><button>Go</button></form>', absent: [/<form/i, /<input/i, /<button/i] },
  { name: 'an SVG with a script', markdown: '<svg><script>alert(1)</script></svg>', absent: [/<svg/i, /<script/i] },
  { name: 'a meta refresh', markdown: '<meta http-equiv="refresh" content="0;url=https://evil.example">', absent: [/<meta/i] },
  { name: 'a protocol-relative link', markdown: '<a href="//evil.example">x</a>', absent: [/href="\/\/evil/] },
  { name: 'an HTML comment hiding markup', markdown: '<!-- <script>alert(1)</script> -->Text', absent: [/<script/i, /<!--/], present: [/Text/] },
  { name: 'a link with a target and rel injection', markdown: '<a href="https://ok.example" target="_blank" onmouseover="x()">ok</a>', absent: [/onmouseover/i, /target=/], present: [/href="https:\/\/ok\.example"/] },
]

describe('policies: the sanitiser keeps only safe markup', () => {
  for (const c of SANITISER_CASES) {
    it(`removes ${c.name}`, () => {
      const html = renderMarkdown(c.markdown)
      for (const re of c.absent) assert.doesNotMatch(html, re, `${c.name}: ${html}`)
      for (const re of c.present ?? []) assert.match(html, re, `${c.name}: ${html}`)
    })
  }

  it('keeps ordinary Markdown: headings (one level down), lists, emphasis, safe links, tables', () => {
    const html = renderMarkdown('# Purpose\n\nSome **bold** and _em_.\n\n- one\n- two\n\n1. first\n\n[GOV.UK](https://www.gov.uk) and [mail](mailto:ig@council.example)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n')
    assert.match(html, /<h2 class="govuk-heading-l">Purpose<\/h2>/)
    assert.match(html, /<strong>bold<\/strong>/)
    assert.match(html, /<em>em<\/em>/)
    assert.match(html, /<ul class="govuk-list govuk-list--bullet">\s*<li>one<\/li>/)
    assert.match(html, /<ol class="govuk-list govuk-list--number">/)
    assert.match(html, /<a href="https:\/\/www\.gov\.uk" class="govuk-link">GOV\.UK<\/a>/)
    assert.match(html, /href="mailto:ig@council\.example"/)
    assert.match(html, /<table class="govuk-table">/)
  })

  it('escapes text that looks like markup in code', () => {
    assert.match(renderMarkdown('Use `<script>` never'), /<code>&lt;script&gt;<\/code>/)
  })
})

const org = (over: Partial<Organisation> = {}): Organisation => ({
  id: '00000000-0000-4000-8000-000000000001', slug: 'northmoor', name: 'Northmoor District Council', contactEmail: null, websiteUrl: null,
  region: null, organisationType: null, nation: null, separationOfDuties: true, createdAt: new Date(),
  siro: null, dpoContact: null, aiLead: null, aiLeadEmail: null, boardName: null, policyApprovers: 'admin_or_board',
  officialIdentifier: null, suspendedAt: null, suspendedReason: null, ...over,
})

describe('policies: placeholders', () => {
  it('fills each placeholder from the organisation’s settings', () => {
    const f = fillPlaceholders('{{council_name}}: SIRO {{siro}}, DPO {{ dpo_contact }}, lead {{ai_lead}}, board {{board_name}}.', org({
      siro: 'Jane Smith, Director of Resources', dpoContact: 'dpo@northmoor.example', aiLead: 'Digital team', boardName: 'AI Board',
    }))
    assert.equal(f.text, 'Northmoor District Council: SIRO Jane Smith, Director of Resources, DPO dpo@northmoor.example, lead Digital team, board AI Board.')
    assert.deepEqual(f.unset, [])
  })

  it('marks a blank setting clearly and lists it once, in a stable order', () => {
    const f = fillPlaceholders('{{board_name}} and {{siro}} and {{siro}} at {{council_name}}', org({ boardName: '   ' }))
    assert.equal(f.text, '[not set: Board name] and [not set: SIRO] and [not set: SIRO] at Northmoor District Council')
    assert.deepEqual(f.unset, ['siro', 'board_name'])
  })

  it('leaves an unknown name as typed and says so', () => {
    const f = fillPlaceholders('{{mayor}} {{__proto__}} {{constructor}}', org())
    assert.equal(f.text, '{{mayor}} {{__proto__}} {{constructor}}')
    assert.deepEqual(f.unknown, ['mayor', '__proto__', 'constructor'])
  })

  it('a filled value cannot bring markup into the page', () => {
    const f = fillPlaceholders('SIRO: {{siro}}', org({ siro: '<img src=x onerror=alert(1)>' }))
    assert.doesNotMatch(renderMarkdown(f.text), /onerror|<img/i)
  })
})

describe('policies: word-level differences', () => {
  it('marks the words added and removed, keeping the rest', () => {
    const d = wordDiff('Staff must tell information governance first.', 'Staff must tell the information governance team first.')
    assert.deepEqual(d.parts.filter((p) => p.kind !== 'same').map((p) => [p.kind, p.text.trim()]), [['added', 'the'], ['added', 'team']])
    assert.equal(d.added, 2)
    assert.equal(d.removed, 0)
    assert.equal(d.parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join(''), 'Staff must tell the information governance team first.')
    assert.equal(d.parts.filter((p) => p.kind !== 'added').map((p) => p.text).join(''), 'Staff must tell information governance first.')
  })

  it('counts a replaced word as one removed and one added', () => {
    const d = wordDiff('Review every year.', 'Review every quarter.')
    assert.deepEqual(d.parts.map((p) => [p.kind, p.text]), [['same', 'Review every '], ['removed', 'year'], ['added', 'quarter'], ['same', '.']])
    assert.deepEqual([d.added, d.removed], [1, 1])
  })

  it('finds nothing between equal texts', () => {
    const d = wordDiff('Same text.', 'Same text.')
    assert.deepEqual([d.added, d.removed, d.parts.length], [0, 0, 1])
  })
})

describe('policies: version numbers and dates', () => {
  it('numbers approved versions: the first is 1.0, major adds one, minor adds a tenth', () => {
    const cases: [Parameters<typeof nextVersionNumbers>[0], 'major' | 'minor', { major: number; minor: number }][] = [
      [null, 'major', { major: 1, minor: 0 }],
      [null, 'minor', { major: 1, minor: 0 }],
      [{ major: 1, minor: 0 }, 'minor', { major: 1, minor: 1 }],
      [{ major: 1, minor: 1 }, 'minor', { major: 1, minor: 2 }],
      [{ major: 1, minor: 2 }, 'major', { major: 2, minor: 0 }],
    ]
    for (const [current, kind, expected] of cases) assert.deepEqual(nextVersionNumbers(current, kind), expected, `${JSON.stringify(current)} ${kind}`)
  })

  it('needs an effective date and a review date after it', () => {
    const fields = (input: unknown) => {
      const r = publishInput.safeParse(input)
      return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]))
    }
    assert.deepEqual(fields({ effectiveDate: '2027-04-01', reviewDate: '2028-04-01' }), {})
    assert.deepEqual(fields({ reviewDate: '2028-04-01' }), { effectiveDate: 'policies.errors.effectiveDate' })
    assert.deepEqual(fields({ effectiveDate: '2027-04-01' }), { reviewDate: 'policies.errors.reviewDate' })
    assert.deepEqual(fields({ effectiveDate: '2027-04-01', reviewDate: '2027-04-01' }), { reviewDate: 'policies.errors.reviewAfterEffective' })
    assert.deepEqual(fields({ effectiveDate: '2027-04-01', reviewDate: '2026-04-01' }), { reviewDate: 'policies.errors.reviewAfterEffective' })
    assert.deepEqual(fields({ effectiveDate: '2027-02-30', reviewDate: '2028-04-01' }), { effectiveDate: 'policies.errors.effectiveDateReal' })
  })

  it('makes slugs from titles', () => {
    assert.equal(slugify('Acceptable use of generative AI'), 'acceptable-use-of-generative-ai')
    assert.equal(slugify('Do’s & don’ts – café'), 'do-s-don-ts-cafe')
    assert.equal(slugify('!!!'), 'policy')
  })
})
