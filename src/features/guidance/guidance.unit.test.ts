// The hub's content checks (every problem names file, path and line; unknown question sets and
// questions stop start-up), the search ranking and filters as tables, the question → guidance
// links, dates as shown, and Markdown made safe.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ContentError } from '../../platform/content/index.ts'
import { contributionInput } from './model.ts'
import { isHttpsUrl, type KnownSets, loadHubContent, parseCase, parseGlossary, parseResources, type Resource } from './content.ts'
import { displayDate } from './routes.ts'
import { fold, queryWords, rank, score, type Searchable } from './search.ts'
import { linksFor, renderMarkdown } from './service.ts'

const SETS: KnownSets = (() => {
  const sets = new Map([['dpia', new Set(['personal_data', 'data_matching'])], ['security', new Set(['threat_model'])]])
  return { questionsOf: (id) => sets.get(id), ids: () => [...sets.keys()] }
})()

const resource = (extra = '') => `resources:
  - id: one
    title: One
    publisher: ICO
    url: https://ico.org.uk/one
    themes: [data_protection]
    summary: About one.
${extra}`

/** The problems of a ContentError as "path: message (line N)". */
function problems(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof ContentError, String(err))
    return err.issues.map((i) => `${i.path}: ${i.message}${i.line ? ` (line ${i.line})` : ''}`)
  }
  assert.fail('no error')
}

describe('the library file', () => {
  it('accepts a good file, with informs', () => {
    const [r] = parseResources(resource('    informs:\n      - set: dpia\n        questions: [data_matching]\n      - set: security\n'), 'r.yaml', SETS)
    assert.deepEqual(r!.informs, [{ set: 'dpia', questions: ['data_matching'] }, { set: 'security' }])
  })

  const cases: [string, string, string][] = [
    ['unknown set', '    informs:\n      - set: dpiaa\n', 'resources[0].informs[0].set: unknown question set "dpiaa" (known: dpia, security) (line 9)'],
    ['unknown question', '    informs:\n      - set: dpia\n        questions: [personal_data, nope]\n', 'resources[0].informs[0].questions[1]: unknown question "nope" in the set "dpia" (line 10)'],
    ['a set twice', '    informs:\n      - set: dpia\n      - set: dpia\n', 'resources[0].informs[1].set: "dpia" is listed twice for this resource (line 10)'],
    ['an unknown field', '    colour: red\n', 'resources[0].colour: unknown field (line 8)'],
    ['a bad date', '    date: 2025-13\n', 'resources[0].date: must be a year, YYYY-MM or YYYY-MM-DD (line 8)'],
  ]
  for (const [name, extra, expected] of cases) {
    it(`refuses ${name}, naming the path and line`, () => assert.deepEqual(problems(() => parseResources(resource(extra), 'r.yaml', SETS)), [expected]))
  }

  it('refuses a link that is not https, and a theme not in the list', () => {
    const text = resource().replace('https://ico.org.uk/one', 'http://ico.org.uk/one').replace('[data_protection]', '[astrology]')
    const got = problems(() => parseResources(text, 'r.yaml', SETS))
    assert.deepEqual(got, [
      'resources[0].url: must be an https:// address (line 5)',
      'resources[0].themes[0]: must be one of: policy, governance, data_protection, equality, security, procurement, transparency, skills (line 6)',
    ])
  })

  it('refuses a repeated id', () => {
    const text = resource() + resource().replace('resources:\n', '')
    assert.deepEqual(problems(() => parseResources(text, 'r.yaml', SETS)), ['resources[1].id: "one" is already used by resources[0] (line 8)'])
  })

  it('a YAML year is read as the year', () => {
    assert.equal(parseResources(resource('    date: 2010\n'), 'r.yaml', SETS)[0]!.date, '2010')
  })
})

describe('the glossary and the cases', () => {
  it('a glossary term must point to a known resource', () => {
    const text = 'terms:\n  - id: atrs\n    term: ATRS\n    definition: The standard.\n    see: [nope]\n'
    assert.deepEqual(problems(() => parseGlossary(text, 'g.yaml', new Set(['one']))), ['terms[0].see[0]: unknown guidance item "nope" (line 5)'])
  })

  const front = (extra: string, body = '\nWhat happened.\n') =>
    `---\nid: a-case\ntitle: A case\nsummary: Short.\nthemes: [policy]\nmaturity: [culture_and_structure]\norganisation: A district council in England\n${extra}---\n${body}`

  it('a published case must name a source; the file name must be its id; its guidance must exist', () => {
    assert.deepEqual(problems(() => parseCase(front('basis: published\n'), 'c.md', 'a-case.md', new Set())),
      ['sources: a published case must name at least one public source (line 8)'])
    assert.deepEqual(problems(() => parseCase(front('basis: illustrative\n'), 'c.md', 'other.md', new Set())),
      ['id: must be "other", the file\'s name (line 2)'])
    assert.deepEqual(problems(() => parseCase(front('basis: illustrative\nguidance: [nope]\n'), 'c.md', 'a-case.md', new Set())),
      ['guidance[0]: unknown guidance item "nope" (line 9)'])
    assert.deepEqual(problems(() => parseCase(front('basis: illustrative\n', '\n'), 'c.md', 'a-case.md', new Set())),
      ['body: the case has no text (line 10)'])
    assert.deepEqual(problems(() => parseCase(front('basis: made_up\n'), 'c.md', 'a-case.md', new Set())),
      ['basis: must be one of: published, illustrative (line 8)'])
  })

  it('the real content loads against the real question sets', async () => {
    const { loadCatalogue } = await import('../assessments/catalogue.ts')
    const { knownSets } = await import('./service.ts')
    const catalogue = await loadCatalogue()
    const content = loadHubContent(knownSets({ allSets: () => catalogue.all() }))
    assert.ok(content.resources.length >= 15 && content.cases.length >= 5 && content.terms.length >= 13)
    for (const r of content.resources) assert.ok(isHttpsUrl(r.url), r.id)
    const informed = new Set(content.resources.flatMap((r) => r.informs.map((i) => i.set)))
    for (const set of catalogue.all()) assert.ok(informed.has(set.id), `some guidance informs ${set.id}`)
  })
})

describe('search', () => {
  const item = (title: string, by = '', text = '', date = '2024'): Searchable => ({ title, by, text, date })

  it('folds case, accents and punctuation; a query has distinct words', () => {
    assert.equal(fold('Données — AI/ML, Équité!'), 'donnees ai ml equite')
    assert.deepEqual(queryWords('DPIA dpia  impact'), ['dpia', 'impact'])
    assert.equal(queryWords('a b c d e f g h i j k l m n').length, 12)
  })

  const table: [string, Searchable, string, number][] = [
    ['no query matches everything', item('x'), '', 1],
    ['title word', item('Secure AI guidelines'), 'secure', 3],
    ['prefix of a word', item('Procurement guide'), 'procur', 3],
    ['publisher only', item('Guide', 'NCSC'), 'ncsc', 2],
    ['text only', item('Guide', '', 'about suppliers'), 'suppliers', 1],
    ['best place counts once', item('DPIA', 'DPIA', 'DPIA'), 'dpia', 3],
    ['two words add up', item('Data ethics', '', 'fairness'), 'ethics fairness', 4],
    ['every word must match', item('Data ethics'), 'ethics chatbot', 0],
    ['inside a word does not count', item('Unsecured'), 'secure', 0],
  ]
  for (const [name, it_, q, expected] of table) it(`${name}: ${expected}`, () => assert.equal(score(it_, queryWords(q)), expected))

  it('ranks by score, then newest, then title', () => {
    const items = [item('B guide', '', 'security', '2023'), item('Security', '', '', '2020'), item('A guide', '', 'security', '2023'), item('C', '', 'security', '2025'), item('Other', '', '', '2000')]
    assert.deepEqual(rank(items, 'security').map((i) => i.title), ['Security', 'C', 'A guide', 'B guide'])
    assert.deepEqual(rank(items, '').map((i) => i.title), ['C', 'A guide', 'B guide', 'Security', 'Other'])
  })
})

describe('question links', () => {
  const r = (id: string, informs: Resource['informs']): Resource =>
    ({ id, title: id, publisher: 'p', url: 'https://x.example', themes: ['policy'], summary: 's', informs })

  it('a set listed alone links every question; listed questions link only those; in the library\'s order', () => {
    const links = linksFor([r('whole', [{ set: 'dpia' }]), r('some', [{ set: 'dpia', questions: ['data_matching'] }]), r('elsewhere', [{ set: 'security' }])],
      'dpia', ['personal_data', 'data_matching'])
    assert.deepEqual([...links].map(([q, rs]) => [q, rs.map((x) => x.id)]), [['personal_data', ['whole']], ['data_matching', ['whole', 'some']]])
  })
})

describe('what pages show', () => {
  const dates: [string | undefined, string][] = [['2025', '2025'], ['2025-02', 'February 2025'], ['2025-02-10', '10 February 2025'], [undefined, '']]
  for (const [iso, shown] of dates) it(`${iso} → "${shown}"`, () => assert.equal(displayDate(iso), shown))

  it('Markdown keeps GOV.UK classes and loses scripts, handlers and javascript: links', () => {
    const html = renderMarkdown('## Head\n\nText <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> [ok](https://a.example)')
    assert.match(html, /<h2 class="govuk-heading-m">Head<\/h2>/)
    assert.doesNotMatch(html, /script|onerror|javascript:|<img/)
    assert.match(html, /<a href="https:\/\/a.example" class="govuk-link">ok<\/a>/)
  })

  it('links must be https, with a host and no credentials', () => {
    const table: [string, boolean][] = [
      ['https://www.gov.uk/x', true], ['http://www.gov.uk/x', false], ['javascript:alert(1)', false], ['data:text/html,x', false],
      ['https://user:pw@gov.uk/', false], ['https://localhost/', false], ['https://gov.uk/a b', false], ['//gov.uk/x', false],
    ]
    for (const [url, ok] of table) assert.equal(isHttpsUrl(url), ok, url)
  })

  it('a contribution: the link is optional, but never javascript:', () => {
    const base = { title: 'T', kind: 'resource', theme: 'policy', summary: 'S' }
    assert.equal(contributionInput.parse(base).link, null)
    assert.equal(contributionInput.safeParse({ ...base, link: 'javascript:alert(1)' }).success, false)
    assert.equal(contributionInput.safeParse({ ...base, summary: 'line one\nline two' }).success, true)
    assert.equal(contributionInput.safeParse({ ...base, summary: 'bell \u0007' }).success, false)
  })
})
