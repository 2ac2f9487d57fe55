// The interchange's pure rules: reading files, checking rows against each standard, and the mapping
// tables between the Dutch standard 1.0, ATRS and Eurocities 0.3.1, as case tables. The exports are
// checked against the field lists: every required key present, enums allowed, lengths kept.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isValidEmail, isValidUrl } from '../transparency/atrs.ts'
import { checkAtrsCsv, checkRecords, entryForAtrs, objectLines, readJsonRecords, undefuse } from './atrsImport.ts'
import { checkIndexCsv, checkIndexJson } from './atrsIndex.ts'
import { checkHeader, readCsv } from './csvFile.ts'
import {
  EUROCITIES_FIELDS, EURO_UNKNOWN_ENUMS, type ExportSource, nlRegisterCsv, toEurocities, toNlRegister,
} from './exports.ts'
import {
  atrsFieldsFor, checkNlFile, decodeEntities, emailIn, fit, groupingItems, mapNlRow, NO_CONTACT_REASON, NOT_RECORDED_REASON, NOT_STATED,
  organisationSlugBase, organisationTypeFor, type NlRow, urlIn,
} from './nlImport.ts'
import { NL_COLUMNS, NL_ENUMS, NL_FIELDS } from './nlStandard.ts'
import { exported, TEST_ORG } from './testkit.ts'

/** A valid Dutch row (every column), with overrides. */
function nlCells(over: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = Object.fromEntries(NL_COLUMNS.map((c) => [c, '']))
  return {
    ...base, name: 'Parking permits check', organization: 'Municipality of Testdam', description_short: 'Checks parking permit applications. Staff decide.',
    category: 'Traffic', website: 'https://www.testdam.nl/parking', status: 'In use', goal: 'Faster decisions on permits.',
    standard_version: '1.0', contact_email: 'Questions: algoritmes@testdam.nl', lang: 'nld', publication_category: 'Impactful algorithms',
    algorithm_id: '12345678', ...over,
  }
}
const csvOf = (rows: Record<string, string>[], columns: readonly string[] = NL_COLUMNS) =>
  [columns.join(','), ...rows.map((r) => columns.map((c) => `"${(r[c] ?? '').replace(/"/g, '""')}"`).join(','))].join('\r\n') + '\r\n'

function checkNl(text: string) {
  const read = readCsv(text)
  assert.ok(read.ok, JSON.stringify(!read.ok && read.problems))
  return checkNlFile(read.header, read.rows)
}
function oneRow(over: Record<string, string> = {}): NlRow {
  const c = checkNl(csvOf([nlCells(over)]))
  assert.ok(c.ok && c.rows.length === 1, JSON.stringify(c))
  return c.rows[0]!
}

describe('reading CSV', () => {
  test('a BOM, quoted cells over several lines, and the line each row starts on', () => {
    const r = readCsv('\uFEFFa,b\r\n"one\ntwo\nthree",x\r\n\r\nplain,y\r\n')
    assert.ok(r.ok)
    assert.deepEqual(r.header, ['a', 'b'])
    assert.deepEqual(r.rows.map((x) => [x.line, x.cells.a]), [[2, 'one\ntwo\nthree'], [6, 'plain']])
  })
  test('an unclosed quote, a short row, an empty file', () => {
    const broken = readCsv('a,b\r\nx,y\r\n"never closed,z\r\n')
    assert.ok(!broken.ok && broken.problems[0]!.line === 3 && broken.problems[0]!.key === 'interchange.problem.syntax')
    const short = readCsv('a,b\r\nx\r\n')
    assert.ok(!short.ok && short.problems[0]!.key === 'interchange.problem.cellCount' && short.problems[0]!.line === 2)
    assert.ok(!readCsv('').ok)
  })
  test('a header: unknown, repeated and missing columns are named', () => {
    const p = checkHeader(['a', 'b', 'b', 'zz'], ['a', 'b', 'c'])
    assert.deepEqual(p.map((x) => [x.key, x.field]), [
      ['interchange.problem.repeatedColumn', 'b'], ['interchange.problem.unknownColumn', 'zz'], ['interchange.problem.missingColumn', 'c'],
    ])
  })
})

describe('the Dutch standard 1.0: what a row must be', () => {
  test('a valid row passes', () => {
    const c = checkNl(csvOf([nlCells()]))
    assert.ok(c.ok && c.rows.length === 1 && c.rejected.length === 0)
  })
  test('a wrong header refuses the file and names the column', () => {
    const cols = NL_COLUMNS.filter((c) => c !== 'status')
    const c = checkNl(csvOf([nlCells()], [...cols, 'colour']))
    assert.ok(!c.ok)
    assert.deepEqual(c.problems.map((p) => p.field).sort(), ['colour', 'status'])
  })
  const cases: [string, Record<string, string>, string, string][] = [
    ['missing name', { name: '' }, 'name', 'interchange.problem.required'],
    ['missing organisation', { organization: '  ' }, 'organization', 'interchange.problem.required'],
    ['status not in the enum', { status: 'Banana' }, 'status', 'interchange.problem.enum'],
    ['publication category not in the enum', { publication_category: 'Scary' }, 'publication_category', 'interchange.problem.enum'],
    ['a theme the standard does not have', { category: 'Traffic, Astrology' }, 'category', 'interchange.problem.theme'],
    ['standard version', { standard_version: '2.0' }, 'standard_version', 'interchange.problem.enum'],
    ['language', { lang: 'deu' }, 'lang', 'interchange.problem.enum'],
    ['name over the limit (with the translation allowance)', { name: 'x'.repeat(126) }, 'name', 'interchange.problem.tooLong'],
    ['a 10 kB goal', { goal: 'x'.repeat(10000) }, 'goal', 'interchange.problem.tooLong'],
    ['a javascript: website', { website: 'javascript:alert(1)' }, 'website', 'interchange.problem.urlScheme'],
    ['a broken address', { url: 'https://exa mple' }, 'url', 'interchange.problem.url'],
    ['an address with no dotted host', { publiccode: 'https://localhost/code' }, 'publiccode', 'interchange.problem.url'],
    ['a NUL', { goal: 'a\u0000b' }, 'goal', 'interchange.problem.unstorable'],
    ['an algorithm id of the wrong shape', { algorithm_id: '12-4' }, 'algorithm_id', 'interchange.problem.algorithmId'],
    ['contact details over 500 characters (×1.25)', { contact_email: `a@b.nl ${'x'.repeat(700)}` }, 'contact_email', 'interchange.problem.tooLong'],
  ]
  for (const [name, over, field, key] of cases) {
    test(`rejected: ${name}`, () => {
      const c = checkNl(csvOf([nlCells({ algorithm_id: '11111111' }), nlCells(over)]))
      assert.ok(c.ok)
      assert.equal(c.rows.length, 1, 'the good row still comes in')
      assert.ok(c.rejected.some((p) => p.line === 3 && p.field === field && p.key === key), JSON.stringify(c.rejected))
    })
  }
  test('accepted as the real data has them: text in a url field, a contact that is a web address, a month as "2015 "', () => {
    const c = checkNl(csvOf([nlCells({ url: 'Verwerkingsregister Gemeente Leiden', contact_email: 'https://www.x.nl/contact', begin_date: '2015 ', process_index_url: 'NVT: geen verwerking' })]))
    assert.ok(c.ok && c.rows.length === 1, JSON.stringify(c))
  })
  test('the same algorithm_id twice: the second is rejected, naming the first line', () => {
    const c = checkNl(csvOf([nlCells(), nlCells()]))
    assert.ok(c.ok && c.rows.length === 1)
    assert.deepEqual(c.rejected.map((p) => [p.line, p.field, p.vars?.line]), [[3, 'algorithm_id', 2]])
  })
  test('Dutch words for the enums read the same as the English edition', () => {
    const r = oneRow({ status: 'In gebruik', publication_category: 'Hoog-risico AI-systeem' })
    assert.equal(r.status, 'in_use')
    assert.equal(r.publicationCategory, 'high_risk')
    for (const f of NL_FIELDS) if (f.type === 'enum') assert.ok(NL_ENUMS[f.key]?.length, f.key)
  })
})

describe('the mapping: Dutch standard 1.0 → our register and ATRS', () => {
  const table: [string, Record<string, string>, (m: ReturnType<typeof mapNlRow>) => unknown, unknown][] = [
    ['In use → live, Production', { status: 'In use' }, (m) => [m.entry.stage, m.atrs.fields.phase], ['live', 'Production']],
    ['In development → approved, Pre-deployment', { status: 'In development' }, (m) => [m.entry.stage, m.atrs.fields.phase], ['approved', 'Pre-deployment']],
    ['Out of use → retired, Retired', { status: 'Out of use' }, (m) => [m.entry.stage, m.atrs.fields.phase], ['retired', 'Retired']],
    ['High-Risk AI-system → risk tier high', { publication_category: 'High-Risk AI-system' }, (m) => m.entry.riskTier, 'high'],
    ['Other algorithms → no tier claimed', { publication_category: 'Other algorithms' }, (m) => m.entry.riskTier, null],
    ['name → title and name', {}, (m) => [m.atrs.fields.title, m.atrs.fields.name, m.entry.name], ['Parking permits check', 'Parking permits check', 'Parking permits check']],
    ['description_short → description; its first sentence → one sentence', {}, (m) => [m.atrs.fields.description, m.atrs.fields.one_sentence_description],
      ['Checks parking permit applications. Staff decide.', 'Checks parking permit applications.']],
    ['the e-mail address in the contact text', {}, (m) => m.atrs.fields.contact_email, 'algoritmes@testdam.nl'],
    ['website → website_url', {}, (m) => m.atrs.fields.website_url, 'https://www.testdam.nl/parking'],
    ['no website → the record on algoritmes.overheid.nl', { website: 'Parkeren | Gemeente Testdam' }, (m) => m.atrs.fields.website_url,
      'https://algoritmes.overheid.nl/nl/algoritme/12345678'],
    ['provider → third party Yes, supplier named', { provider: 'Acme BV' }, (m) => [m.atrs.fields.external_supplier_involvement, m.atrs.fields.external_supplier, m.entry.supplier],
      ['Yes', 'Acme BV', 'Acme BV']],
    ['no provider → No', {}, (m) => m.atrs.fields.external_supplier_involvement, 'No'],
    ['human_intervention → human review', { human_intervention: 'A case worker checks every case.' }, (m) => m.atrs.fields.human_decisions_and_review, 'A case worker checks every case.'],
    ['risks → risks and mitigations', { risks: 'Bias; checked monthly.' }, (m) => m.atrs.fields.risks_and_mitigations, 'Bias; checked monthly.'],
    ['methods_and_models → system architecture', { methods_and_models: 'A decision tree.' }, (m) => m.atrs.fields.system_architecture, 'A decision tree.'],
    ['source_data → operational data description', { source_data: 'Permit applications.' }, (m) => m.atrs.fields.operational_data_description__1, 'Permit applications.'],
    ['impacttoetsen and its links → impact assessment', { impacttoetsen: 'A DPIA was done.', impacttoetsen_grouping: '1: DPIA, https://www.testdam.nl/dpia.pdf' },
      (m) => m.atrs.fields.impact_assessment, 'A DPIA was done.\n\nDPIA: https://www.testdam.nl/dpia.pdf'],
    ['proportionality → benefit', { proportionality: 'Worth it.' }, (m) => m.atrs.fields.benefit, 'Worth it.'],
    ['no proportionality → benefit from goal', {}, (m) => m.atrs.fields.benefit, 'Faster decisions on permits.'],
    ['lawful basis, which ATRS lacks → a paragraph of the detailed description', { lawful_basis: 'Road Traffic Act.' },
      (m) => /Lawful basis: Road Traffic Act\./.test(m.atrs.fields.detailed_description ?? ''), true],
    ['the source is named in the detailed description', {}, (m) => (m.atrs.fields.detailed_description ?? '').includes('https://algoritmes.overheid.nl/nl/algoritme/12345678'), true],
    ['a Dutch body is "International" (the only region of the standard outside the UK)', {}, (m) => m.atrs.fields.region, 'International'],
    ['themes → the service area and its facet', { category: 'Traffic, Living' }, (m) => [m.entry.serviceArea, m.facets.service_area], ['Traffic, Living', 'Traffic, Living']],
    ['what the standard does not have → NOT_STATED', {}, (m) => [m.entry.owner, m.atrs.fields.team, m.atrs.fields.senior_responsible_owner], [NOT_STATED, NOT_STATED, NOT_STATED]],
    ['a required choice nobody recorded → redacted with the reason', {}, (m) => m.atrs.redactions.operational_data_modality__1, NOT_RECORDED_REASON],
    ['the organisation: type from its name, region Netherlands', {}, (m) => [m.organisation.organisationType, m.organisation.region, m.organisation.slugBase],
      ['Municipality', 'Netherlands', 'municipality-of-testdam']],
  ]
  for (const [name, over, pick, expected] of table) {
    test(name, () => assert.deepEqual(pick(mapNlRow(oneRow(over), { organisationEmail: null })), expected))
  }
  test('no e-mail in the contact text → the organisation\'s address from its other rows; none → withheld with the reason', () => {
    const row = oneRow({ contact_email: 'https://www.testdam.nl/contact' })
    assert.equal(atrsFieldsFor(row, { organisationEmail: 'info@testdam.nl' }).fields.contact_email, 'info@testdam.nl')
    assert.equal(atrsFieldsFor(row, { organisationEmail: 'info@testdam.nl' }).redactions.contact_email, undefined)
    const none = atrsFieldsFor(row, { organisationEmail: null })
    assert.equal(none.fields.contact_email, '')
    assert.equal(none.redactions.contact_email, NO_CONTACT_REASON)
  })
  test('the same row maps to the same hash; a changed row to another', () => {
    const a = mapNlRow(oneRow(), { organisationEmail: null }).hash
    assert.equal(mapNlRow(oneRow(), { organisationEmail: null }).hash, a)
    assert.notEqual(mapNlRow(oneRow({ goal: 'Other goal.' }), { organisationEmail: null }).hash, a)
  })
  const types: [string, string][] = [
    ['Municipality of Leiden', 'Municipality'], ['Gemeente Utrecht', 'Municipality'], ['Province of Groningen', 'Province'],
    ['Water board Amstel, Gooi and Vecht', 'Water board'], ['Wetterskip Fryslân', 'Water board'], ['Safety region Zaanstreek-Waterland', 'Safety region'],
    ['Ministry of Finance', 'Ministry'], ['Omgevingsdienst Drenthe', 'Environmental service'], ['Police', 'Public body'],
  ]
  for (const [name, type] of types) test(`organisation type: ${name} → ${type}`, () => assert.equal(organisationTypeFor(name), type))
  test('helpers: entities, slugs within 63 characters, e-mail and web addresses in text, groupings, fitting', () => {
    assert.equal(decodeEntities('Flevoland &amp; Gooi &amp; Vecht'), 'Flevoland & Gooi & Vecht')
    const long = organisationSlugBase('Advisory Committee on Public Access and Information Management (ACOI) of the Netherlands')
    assert.ok(long.length <= 63 && /^[a-z0-9][a-z0-9-]+[a-z0-9]$/.test(long), long)
    assert.equal(emailIn('Gemeente Tytsjerksteradiel, gemeente@t-diel.nl'), 'gemeente@t-diel.nl')
    assert.equal(emailIn('datashop@denhaag'), null)
    assert.equal(emailIn('E-mail: Gemeente@Capelle.nl. Tel: 14010'), 'gemeente@capelle.nl')
    assert.equal(urlIn('www.delft.nl'), 'https://www.delft.nl')
    assert.equal(urlIn('Zie https://a.nl/x; en meer'), 'https://a.nl/x')
    assert.equal(urlIn('https:://broken.nl'), null)
    assert.deepEqual(groupingItems('1: DPIA, https://a.nl/d.pdf; 2: IAMA'), [{ title: 'DPIA', link: 'https://a.nl/d.pdf' }, { title: 'IAMA', link: null }])
    assert.equal(fit('one two three', 8), 'one two…')
  })
})

// ---------------------------------------------------------------------------------------------
// ATRS records back in (our own downloads' format)

const org = TEST_ORG

describe('ATRS records: what a record must be', () => {
  const check = (text: string) => {
    const r = readCsv(text)
    assert.ok(r.ok)
    return checkAtrsCsv(r.header, r.rows, org)
  }
  test('our own export reads back with its id, version and date', () => {
    const c = check(exported())
    assert.ok(c.ok && c.rows.length === 1, JSON.stringify(c))
    const row = c.rows[0]!
    assert.deepEqual([row.id, row.slug, row.version, row.dateUpdated, row.standardVersion], ['testshire/housing-triage', 'housing-triage', 2, '2026-03-04', '3.0'])
    assert.equal(row.fields.model_name__1, 'Triage', 'a repeated field comes back as its first item')
    assert.equal(entryForAtrs(row).stage, 'live')
  })
  const cases: [string, Record<string, string>, string, string][] = [
    ['a blank required field', { team: '' }, 'team', 'interchange.problem.required'],
    ['a bad e-mail', { contact_email: 'not an email' }, 'contact_email', 'interchange.problem.invalid'],
    ['a javascript: website', { website_url: 'javascript:alert(1)' }, 'website_url', 'interchange.problem.invalid'],
    ['a phase that is not an option', { phase: 'Banana' }, 'phase', 'interchange.problem.invalid'],
    ['supplier involvement "Maybe"', { external_supplier_involvement: 'Maybe' }, 'external_supplier_involvement', 'interchange.problem.invalid'],
    ['an over-long field', { description: 'x'.repeat(20001) }, 'description', 'interchange.problem.tooLong'],
  ]
  for (const [name, over, field, key] of cases) {
    test(`rejected: ${name}`, () => {
      const c = check(exported(over))
      assert.ok(c.ok && c.rows.length === 0)
      assert.ok(c.rejected.some((p) => p.line === 2 && p.field === field && p.key === key), JSON.stringify(c.rejected))
    })
  }
  test('an unknown column refuses the file; a missing column that is always required too', () => {
    const withExtra = exported().replace(/^id,/, 'colour,id,').replace(/\r\n(?=.)/, '\r\nred,')
    const r1 = check(withExtra)
    assert.ok(!r1.ok && r1.problems.some((p) => p.field === 'colour'))
  })
  test('formulas defused on export are read back as written', () => {
    assert.equal(undefuse("'=SUM(A1)"), '=SUM(A1)')
    assert.equal(undefuse("'plain"), "'plain")
  })
  test('JSON: each object\'s line, a list of objects only', () => {
    const text = '[\n  {"id": "a"},\n  {"id": "b",\n   "x": {"y": [1, {"z": 2}]}},\n  {"id": "c"}\n]'
    assert.deepEqual(objectLines(text), [2, 3, 5])
    assert.deepEqual(objectLines('{"meta": {"n": [1]}, "records": [\n{"a": 1},\n{"a": "}"}]}', 'records'), [2, 3])
    assert.ok(!readJsonRecords('{').ok)
    assert.ok(!readJsonRecords('{"a": 1}').ok)
    assert.ok(!readJsonRecords('[1]').ok)
    const c = checkRecords([{ line: 2, cells: { id: 'x', standard_version: '3.0', date_updated: '2026-02-30', version: '1' } }], org)
    assert.ok(c.ok && c.rejected.some((p) => p.field === 'date_updated'))
  })
})

describe('the GOV.UK index', () => {
  test('CSV: a good row, a link that is not GOV.UK\'s, a bad date, a missing name', () => {
    const text = 'publishing_body,tool_name,published,url\r\n' +
      'HMRC,Ask HMRC online,2025-06-26T07:39:09Z,https://www.gov.uk/algorithmic-transparency-records/hmrc-ask-hmrc-online\r\n' +
      'Evil,Tool,2025-01-01,https://evil.example/algorithmic-transparency-records/x\r\n' +
      'DfE,Thing,yesterday,https://www.gov.uk/algorithmic-transparency-records/dfe-thing\r\n' +
      'DfE,,2025-01-01,https://www.gov.uk/algorithmic-transparency-records/dfe-blank\r\n'
    const r = readCsv(text)
    assert.ok(r.ok)
    const c = checkIndexCsv(r.header, r.rows)
    assert.ok(c.ok)
    assert.deepEqual(c.rows.map((x) => x.toolName), ['Ask HMRC online'])
    assert.deepEqual(c.rejected.map((p) => [p.line, p.field]), [[3, 'url'], [4, 'published'], [5, 'tool_name']])
  })
  test('JSON: the name from the title when the body is unknown; unknown keys rejected', () => {
    const c = checkIndexJson([
      { line: 3, cells: { publishing_body: null, tool_name: null, title: 'Some Body: A tool', url: 'https://www.gov.uk/algorithmic-transparency-records/a-tool', published: '2025-01-01T00:00:00Z' } },
      { line: 9, cells: { tool_name: 'B', url: 'https://www.gov.uk/algorithmic-transparency-records/b', colour: 'red' } },
    ])
    assert.ok(c.ok)
    assert.deepEqual(c.rows.map((r) => [r.toolName, r.publishingBody]), [['A tool', null]])
    assert.deepEqual(c.rejected.map((p) => [p.line, p.field]), [[9, 'colour']])
  })
})

// ---------------------------------------------------------------------------------------------
// Exports to other standards, checked against their field lists

function source(fields: Record<string, string>, over: Partial<ExportSource> = {}): ExportSource {
  return {
    publicId: 'testshire/housing-triage', organisationName: 'Testshire Council', url: 'https://aigov.example/public/records/testshire/housing-triage',
    versionNo: 3, publishedAt: '2026-03-04T10:00:00Z', firstPublishedAt: '2025-01-02T10:00:00Z', fields, ...over,
  }
}
const full = {
  title: 'Housing triage', organisation_name: 'Testshire Council', phase: 'Production', region: 'North West', team: 'Housing',
  one_sentence_description: 'Sorts housing requests by how urgent they are, so that the most urgent are seen first by an officer.',
  description: 'Sorts housing requests by urgency.', website_url: 'https://www.testshire.example/ai', contact_email: 'housing@testshire.example',
  benefit: 'Faster help.', scope: 'Housing requests.', risks_and_mitigations: 'Bias: checked.', human_decisions_and_review: 'Officers decide.',
  external_supplier: 'Acme Ltd', detailed_description: 'x'.repeat(6000), impact_assessment: 'DPIA 2025.',
}

/** A registration checked against the field list: required keys present, enums allowed, lengths kept, dates real. */
function assertEurocities(rec: Record<string, string | null>) {
  for (const f of EUROCITIES_FIELDS) {
    const v = rec[f.key]
    if (f.required) assert.ok(f.key in rec, `required ${f.key} present`)
    if (v === undefined) continue
    if (v === null) {
      assert.ok(EURO_UNKNOWN_ENUMS.includes(f.key), `${f.key} may be null only when nothing says its value`)
      continue
    }
    if (f.required) assert.ok(v.trim() !== '', `required ${f.key} filled`)
    if (f.values) assert.ok(f.values.includes(v), `${f.key}: ${v} is allowed`)
    if (f.max) assert.ok([...v].length <= f.max, `${f.key} at most ${f.max}`)
    if (f.min) assert.ok([...v].length >= f.min, `${f.key} at least ${f.min}`)
    if (f.type === 'date') assert.match(v, /^\d{4}-\d{2}-\d{2}$/)
    if (f.type === 'email') assert.ok(isValidEmail(v), `${f.key} an e-mail`)
    if (f.type === 'url') assert.ok(isValidUrl(v), `${f.key} a URL`)
  }
  for (const k of Object.keys(rec)) assert.ok(EUROCITIES_FIELDS.some((f) => f.key === k), `${k} is a field of the standard`)
}

function assertNl(rec: Record<string, string | null>) {
  assert.deepEqual(Object.keys(rec), [...NL_COLUMNS], 'every column, in the export\'s order')
  for (const f of NL_FIELDS) {
    const v = rec[f.key]
    if (f.required && f.key !== 'publication_category' && f.key !== 'algorithm_id') assert.ok(v && v.trim() !== '', `required ${f.key} filled`)
    if (v === null || v === undefined || v === '') continue
    if (f.max) assert.ok([...v].length <= f.max, `${f.key} at most ${f.max}`)
    const allowed = NL_ENUMS[f.key]
    if (allowed) assert.ok(allowed.includes(v), `${f.key}: ${v} allowed`)
  }
}

describe('export: Eurocities 0.3.1', () => {
  const table: [string, Record<string, string>, Partial<ExportSource>, string, string | null][] = [
    ['Production → operational', full, {}, 'status', 'operational'],
    ['Pre-deployment → development', { ...full, phase: 'Pre-deployment' }, {}, 'status', 'development'],
    ['Beta/Pilot → pilot', { ...full, phase: 'Beta/Pilot' }, {}, 'status', 'pilot'],
    ['Retired → retired', { ...full, phase: 'Retired' }, {}, 'status', 'retired'],
    ['housing → its domain', full, {}, 'domain', 'housing, living and living environment'],
    ['nothing to go on → generic', { ...full, title: 'Thing', team: 'Office' }, {}, 'domain', 'generic'],
    ['first publication → publication_date', full, {}, 'publication_date', '2025-01-02'],
    ['this version → last_change_date', full, {}, 'last_change_date', '2026-03-04'],
    ['a year on → revision_date', full, {}, 'revision_date', '2027-03-04'],
    ['a UK region → United Kingdom', full, {}, 'country', 'United Kingdom'],
    ['imported from the Netherlands', { ...full, region: 'Netherlands' }, {}, 'country', 'The Netherlands'],
    ['tier high → high risk', full, { riskTier: 'high' }, 'risk_category', 'high risk'],
    ['no tier → null, not a guess', full, {}, 'risk_category', null],
    ['no lawful basis in ATRS → placeholder', full, {}, 'lawful_basis', NOT_STATED],
    ['team → department', full, {}, 'department', 'Housing'],
  ]
  for (const [name, fields, over, key, expected] of table) {
    test(name, () => {
      const rec = toEurocities(source(fields, over))
      assert.equal(rec[key], expected)
      assertEurocities(rec)
    })
  }
  test('a record with almost nothing still has every required key', () => {
    const rec = toEurocities(source({ title: 'Bare', contact_email: 'a@b.example', phase: 'Production' }))
    assertEurocities(rec)
    assert.equal(rec.description, undefined, 'the explanation is left out when shorter than the standard\'s 500 characters')
    assert.ok([...(rec.description_short ?? '')].length <= 150)
  })
})

describe('export: the Dutch standard 1.0', () => {
  const table: [string, Record<string, string>, Partial<ExportSource>, string, string | null][] = [
    ['Production → In use', full, {}, 'status', 'In use'],
    ['Pre-deployment → In development', { ...full, phase: 'Pre-deployment' }, {}, 'status', 'In development'],
    ['Retired → Out of use', { ...full, phase: 'Retired' }, {}, 'status', 'Out of use'],
    ['scope → goal', full, {}, 'goal', 'Housing requests.'],
    ['our public page → the link to the source registration', full, {}, 'url', 'https://aigov.example/public/records/testshire/housing-triage'],
    ['our public id → source_id', full, {}, 'source_id', 'testshire/housing-triage'],
    ['no category known → null', full, {}, 'publication_category', null],
    ['tier high → High-Risk AI-system', full, { riskTier: 'high' }, 'publication_category', 'High-Risk AI-system'],
    ['a Dutch source keeps its category', full, { nlPublicationCategory: 'impactful' }, 'publication_category', 'Impactful algorithms'],
    ['a Dutch source keeps its algorithm id', full, { nlAlgorithmId: '77178161' }, 'algorithm_id', '77178161'],
    ['the standard allows only nld', full, {}, 'lang', 'nld'],
  ]
  for (const [name, fields, over, key, expected] of table) {
    test(name, () => {
      const rec = toNlRegister(source(fields, over))
      assert.equal(rec[key], expected)
      assertNl(rec)
    })
  }
  test('long text is cut to the standard\'s limits', () => {
    const rec = toNlRegister(source({ ...full, title: 'n'.repeat(300), detailed_description: 'word '.repeat(3000) }))
    assertNl(rec)
    assert.equal([...(rec.name ?? '')].length, 100)
  })
  test('as CSV: the export\'s header and one row, readable back with the Dutch column order', () => {
    const text = nlRegisterCsv(source({ ...full, title: '=cmd|calc' }))
    const r = readCsv(text)
    assert.ok(r.ok)
    assert.deepEqual(r.header, [...NL_COLUMNS])
    assert.equal(r.rows[0]!.cells.name, "'=cmd|calc", 'a formula is defused')
    assert.match(text, /\r\n$/)
  })
})
