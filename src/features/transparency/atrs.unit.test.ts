import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { RegisterEntry, Stage } from '../register/model.ts'
import { STAGES } from '../register/model.ts'
import {
  ATRS_FIELDS,
  ATRS_VERSION,
  CSV_COLUMNS,
  ORGANISATION_FIELD_KEYS,
  ORGANISATION_TYPE_KEY,
  PHASES,
  completeness,
  draftFromEntry,
  recordsToCsv,
  recordsToJson,
  slugify,
  withOrganisation,
  type AtrsFields,
  type DraftSource,
  type PublishedRecordRow,
} from './atrs.ts'

// ---- small factories -------------------------------------------------------------------------

function entry(overrides: Partial<RegisterEntry> = {}): RegisterEntry {
  return {
    id: 'e1',
    organisationId: 'o1',
    createdBy: null,
    name: 'Rent arrears prioritisation model',
    purpose:
      'Ranks tenants in rent arrears so that income officers contact those most at risk first. It runs every night on rent account data.',
    serviceArea: 'Housing Income',
    owner: 'Head of Housing Income',
    supplier: null,
    technique: 'Gradient boosted trees',
    personalData: true,
    specialCategoryData: false,
    decisionRole: 'assists',
    peopleAffected: 'Council tenants with rent arrears',
    humanOversight: 'An income officer reviews every case before contact',
    stage: 'pilot',
    riskTier: 'medium',
    nextReviewDate: null,
    version: 1,
    createdAt: '2025-01-01',
    updatedAt: '2025-01-01',
    ...overrides,
  }
}

function source(overrides: Partial<DraftSource> = {}, entryOverrides: Partial<RegisterEntry> = {}): DraftSource {
  return {
    entry: entry(entryOverrides),
    organisation: {
      name: 'Exampleshire Council',
      contactEmail: 'ai@exampleshire.gov.uk',
      websiteUrl: 'https://www.exampleshire.gov.uk/ai',
      region: 'South East',
    },
    ...overrides,
  }
}

/** A record with every required field filled in and valid. */
function completeFields(overrides: AtrsFields = {}): AtrsFields {
  const f: AtrsFields = Object.fromEntries(ATRS_FIELDS.map((x) => [x.key, `some ${x.key}`]))
  return {
    ...f,
    phase: 'Production',
    website_url: 'https://www.exampleshire.gov.uk/ai',
    contact_email: 'ai@exampleshire.gov.uk',
    external_supplier_involvement: 'No',
    ...overrides,
  }
}

function row(overrides: Partial<PublishedRecordRow> = {}): PublishedRecordRow {
  return {
    organisationName: 'Exampleshire Council',
    slug: 'rent-arrears-prioritisation-model',
    version: 2,
    publishedAt: '2025-03-04T10:11:12.000Z',
    fields: completeFields(),
    ...overrides,
  }
}

/** Minimal RFC 4180 parser, so tests check what a CSV reader would actually see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let rowCells: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      rowCells.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      rowCells.push(cell)
      rows.push(rowCells)
      rowCells = []
      cell = ''
      i++
    } else cell += c
  }
  assert.equal(cell, '', 'CSV must end with CRLF')
  assert.equal(rowCells.length, 0, 'CSV must end with CRLF')
  return rows
}

// ---- field list ------------------------------------------------------------------------------

/** ref → attribute key, copied from the ATRS v3.0 template table. */
const EXPECTED_REF_KEYS: [string, string][] = [
  ['0.11', 'title'],
  ['0.12', 'organisation_name'],
  ['0.13', 'phase'],
  ['0.14', 'region'],
  ['0.15', 'one_sentence_description'],
  ['1.1', 'name'],
  ['1.2', 'description'],
  ['1.3', 'website_url'],
  ['1.4', 'contact_email'],
  ['2.1.1', 'organisation_or_department'],
  ['2.1.2', 'team'],
  ['2.1.3', 'senior_responsible_owner'],
  ['2.1.4', 'external_supplier_involvement'],
  ['2.1.4.1', 'external_supplier'],
  ['2.1.4.2', 'companies_house_number'],
  ['2.1.4.3', 'external_supplier_role'],
  ['2.1.4.4', 'procurement_procedure_type'],
  ['2.1.4.5', 'data_access_terms'],
  ['2.2.1', 'detailed_description'],
  ['2.2.2', 'scope'],
  ['2.2.3', 'benefit'],
  ['2.2.4', 'previous_process'],
  ['2.2.5', 'alternatives_considered'],
  ['2.5.1', 'impact_assessment'],
  ['2.5.2', 'risks_and_mitigations'],
]

/** Keys marked required (TRUE) in the v3.0 table. */
const EXPECTED_REQUIRED = [
  'title', 'organisation_name', 'phase', 'region', 'one_sentence_description',
  'name', 'description', 'website_url', 'contact_email',
  'organisation_or_department', 'team', 'senior_responsible_owner', 'external_supplier_involvement',
  'scope', 'benefit',
  'impact_assessment', 'risks_and_mitigations',
]

const SUPPLIER_DETAIL_KEYS = [
  'external_supplier', 'companies_house_number', 'external_supplier_role', 'procurement_procedure_type', 'data_access_terms',
]

describe('ATRS_FIELDS', () => {
  it('uses the v3.0 references and attribute keys, in order', () => {
    assert.equal(ATRS_VERSION, '3.0')
    assert.deepEqual(ATRS_FIELDS.map((f) => [f.ref, f.key]), EXPECTED_REF_KEYS)
  })

  it('has unique keys, and leaves metadata keys out', () => {
    const keys = ATRS_FIELDS.map((f) => f.key)
    assert.equal(new Set(keys).size, keys.length)
    for (const meta of ['id', 'standard_version', 'date_updated', 'date_of_completion', 'date_archived', 'version']) {
      assert.ok(!keys.includes(meta), meta)
    }
  })

  it('marks required as the table does', () => {
    assert.deepEqual(ATRS_FIELDS.filter((f) => f.required).map((f) => f.key), EXPECTED_REQUIRED)
  })

  it('gives tiers by reference, and every field a label, section and hint', () => {
    for (const f of ATRS_FIELDS) {
      const expectedTier = f.ref.startsWith('0.') ? 'meta' : f.ref.startsWith('1.') ? 1 : 2
      assert.equal(f.tier, expectedTier, f.key)
      assert.ok(f.label.trim() && f.section.trim() && f.hint.trim(), f.key)
    }
  })

  it('is frozen', () => {
    assert.ok(Object.isFrozen(ATRS_FIELDS))
    assert.ok(ATRS_FIELDS.every((f) => Object.isFrozen(f)))
  })
})

// ---- drafting ---------------------------------------------------------------------------------

describe('draftFromEntry', () => {
  it('fills the documented fields from the register', () => {
    const d = draftFromEntry(source())
    assert.equal(d.title, 'Rent arrears prioritisation model')
    assert.equal(d.name, 'Rent arrears prioritisation model')
    assert.equal(d.organisation_name, 'Exampleshire Council')
    assert.equal(d.organisation_or_department, 'Exampleshire Council')
    assert.equal(d.phase, 'Beta/Pilot')
    assert.equal(d.region, 'South East')
    assert.equal(
      d.one_sentence_description,
      'Ranks tenants in rent arrears so that income officers contact those most at risk first.',
    )
    assert.equal(d.website_url, 'https://www.exampleshire.gov.uk/ai')
    assert.equal(d.contact_email, 'ai@exampleshire.gov.uk')
    assert.equal(d.team, 'Housing Income')
    assert.equal(d.senior_responsible_owner, 'Head of Housing Income')
    assert.equal(d.external_supplier_involvement, 'No')
    assert.equal(d.external_supplier, '')
  })

  it('describes the purpose, the role in decisions and human oversight', () => {
    const d = draftFromEntry(source())
    assert.ok(d.description?.startsWith('Ranks tenants in rent arrears'))
    assert.match(d.description ?? '', /a person makes each decision/)
    assert.match(d.description ?? '', /Human oversight: An income officer reviews every case before contact\./)
  })

  it('words each decision role differently', () => {
    const texts = (['informs', 'assists', 'automates'] as const).map(
      (role) => draftFromEntry(source({}, { decisionRole: role, humanOversight: '' })).description,
    )
    assert.equal(new Set(texts).size, 3)
    assert.match(texts[2] ?? '', /automatically/)
    assert.doesNotMatch(texts[0] ?? '', /Human oversight/)
  })

  it('puts purpose, technique and people affected in the detailed description; people and service in scope', () => {
    const d = draftFromEntry(source())
    assert.match(d.detailed_description ?? '', /^Ranks tenants/)
    assert.match(d.detailed_description ?? '', /Technique: Gradient boosted trees/)
    assert.match(d.detailed_description ?? '', /People affected: Council tenants with rent arrears/)
    assert.match(d.scope ?? '', /Housing Income/)
    assert.match(d.scope ?? '', /Council tenants with rent arrears/)
  })

  it('leaves what the register does not know blank, and every field present', () => {
    const d = draftFromEntry(source())
    assert.deepEqual(Object.keys(d).sort(), ATRS_FIELDS.map((f) => f.key).sort())
    for (const key of [
      'benefit', 'previous_process', 'alternatives_considered', 'risks_and_mitigations', 'impact_assessment',
      'companies_house_number', 'external_supplier_role', 'procurement_procedure_type', 'data_access_terms',
    ]) {
      assert.equal(d[key], '', key)
    }
  })

  it('leaves organisation facts blank when the organisation has none', () => {
    const d = draftFromEntry(
      source({ organisation: { name: 'Exampleshire Council', contactEmail: null, websiteUrl: null, region: null } }),
    )
    assert.equal(d.contact_email, '')
    assert.equal(d.website_url, '')
    assert.equal(d.region, '')
  })

  it('records a supplier', () => {
    const d = draftFromEntry(source({}, { supplier: 'Acme Analytics Ltd' }))
    assert.equal(d.external_supplier_involvement, 'Yes')
    assert.equal(d.external_supplier, 'Acme Analytics Ltd')
  })

  it('treats a blank supplier as none', () => {
    assert.equal(draftFromEntry(source({}, { supplier: '  ' })).external_supplier_involvement, 'No')
  })

  it('says which assessments screening requires, without claiming they are done', () => {
    const d = draftFromEntry(
      source({
        screening: {
          tier: 'high',
          flags: [
            { id: 'dpia_required', label: 'A full DPIA is required' },
            { id: 'eqia_required', label: 'Equality impact assessment needed' },
            { id: 'special_category', label: 'Uses special category data' },
          ],
        },
      }),
    )
    const text = d.impact_assessment ?? ''
    assert.match(text, /high risk tier/)
    assert.match(text, /Data Protection Impact Assessment \(DPIA\) is required/)
    assert.match(text, /Equality Impact Assessment \(EqIA\) is required/)
    assert.match(text, /Uses special category data/)
    assert.doesNotMatch(text, /completed/i)
    assert.equal(d.risks_and_mitigations, '')
  })

  it('reports a screening with no flags', () => {
    const d = draftFromEntry(source({ screening: { tier: 'low', flags: [] } }))
    assert.match(d.impact_assessment ?? '', /low risk tier/)
  })

  it('leaves the impact assessment blank without screening', () => {
    assert.equal(draftFromEntry(source({ screening: null })).impact_assessment, '')
  })

  it('keeps the one-sentence description to 200 characters, cut at a word', () => {
    const long = `${'word '.repeat(80).trim()}. Second sentence.`
    const s = draftFromEntry(source({}, { purpose: long })).one_sentence_description ?? ''
    assert.ok(s.length <= 200, `${s.length}`)
    assert.ok(s.endsWith('word…'), s)
  })

  it('uses the whole purpose when it has no full stop, and ignores "e.g." style stops', () => {
    assert.equal(draftFromEntry(source({}, { purpose: 'Sorts\nemails  into queues' })).one_sentence_description, 'Sorts emails into queues')
    assert.equal(
      draftFromEntry(source({}, { purpose: 'Drafts letters, e.g. reminders. Staff check them.' })).one_sentence_description,
      'Drafts letters, e.g. reminders.',
    )
  })
})

describe('phase from lifecycle stage', () => {
  const cases: [Stage, string][] = [
    ['idea', 'Pre-deployment'],
    ['proposed', 'Pre-deployment'],
    ['under_assessment', 'Pre-deployment'],
    ['awaiting_decision', 'Pre-deployment'],
    ['approved', 'Pre-deployment'],
    ['rejected', 'Pre-deployment'],
    ['pilot', 'Beta/Pilot'],
    ['live', 'Production'],
    ['retired', 'Retired'],
  ]

  it('covers every stage', () => {
    assert.deepEqual(cases.map(([s]) => s).sort(), [...STAGES].sort())
  })

  for (const [stage, phase] of cases) {
    it(`${stage} → ${phase}`, () => {
      const d = draftFromEntry(source({}, { stage }))
      assert.equal(d.phase, phase)
      assert.ok((PHASES as readonly string[]).includes(d.phase ?? ''))
    })
  }
})

// ---- completeness -----------------------------------------------------------------------------

describe('completeness', () => {
  it('passes a complete record', () => {
    assert.deepEqual(completeness(completeFields()), { complete: true, missing: [] })
  })

  it('lists every required field when the record is empty, in field order', () => {
    const c = completeness({})
    assert.equal(c.complete, false)
    assert.deepEqual(c.missing.map((m) => m.key), EXPECTED_REQUIRED)
    assert.ok(c.missing.every((m) => m.problem === 'missing'))
  })

  it('gives key, label, ref and problem for each gap', () => {
    const c = completeness(completeFields({ benefit: '   \n ' }))
    assert.deepEqual(c.missing, [{ key: 'benefit', label: 'Benefit', ref: '2.2.3', problem: 'missing' }])
  })

  it('does not ask for optional fields', () => {
    const c = completeness(completeFields({ detailed_description: '', previous_process: '', alternatives_considered: '' }))
    assert.equal(c.complete, true)
  })

  it('needs the supplier details only when a supplier is involved', () => {
    const blanks = Object.fromEntries(SUPPLIER_DETAIL_KEYS.map((k) => [k, '']))
    assert.equal(completeness(completeFields({ ...blanks, external_supplier_involvement: 'No' })).complete, true)

    const withSupplier = completeness(completeFields({ ...blanks, external_supplier_involvement: 'Yes' }))
    assert.deepEqual(withSupplier.missing.map((m) => [m.ref, m.key, m.problem]), [
      ['2.1.4.1', 'external_supplier', 'missing'],
      ['2.1.4.2', 'companies_house_number', 'missing'],
      ['2.1.4.3', 'external_supplier_role', 'missing'],
      ['2.1.4.4', 'procurement_procedure_type', 'missing'],
      ['2.1.4.5', 'data_access_terms', 'missing'],
    ])
    // Same rule whatever the case or spacing of "yes".
    assert.equal(completeness(completeFields({ ...blanks, external_supplier_involvement: ' yes ' })).missing.length, 5)
    assert.equal(completeness(completeFields({ external_supplier_involvement: 'Yes' })).complete, true)
  })

  it('marks a malformed email as invalid', () => {
    for (const bad of ['ai', 'ai@', 'ai@council', 'a i@council.gov.uk', 'ai@@council.gov.uk', 'mailto:ai@council.gov.uk x']) {
      const c = completeness(completeFields({ contact_email: bad }))
      assert.deepEqual(c.missing, [{ key: 'contact_email', label: 'Contact email', ref: '1.4', problem: 'invalid' }], bad)
    }
    assert.equal(completeness(completeFields({ contact_email: ' digital.team@council.gov.uk ' })).complete, true)
  })

  it('marks a malformed website URL as invalid', () => {
    for (const bad of ['www.council.gov.uk', 'council', 'ftp://council.gov.uk', 'javascript:alert(1)', 'https://council', 'https://exa mple.gov.uk', 'https://-bad.gov.uk']) {
      const c = completeness(completeFields({ website_url: bad }))
      assert.deepEqual(c.missing, [{ key: 'website_url', label: 'Website URL', ref: '1.3', problem: 'invalid' }], bad)
    }
    for (const good of ['https://www.council.gov.uk/ai?x=1#y', 'http://council.gov.uk']) {
      assert.equal(completeness(completeFields({ website_url: good })).complete, true, good)
    }
  })

  it('treats a missing email or URL as missing, not invalid', () => {
    const c = completeness(completeFields({ website_url: '', contact_email: ' ' }))
    assert.deepEqual(c.missing.map((m) => [m.key, m.problem]), [['website_url', 'missing'], ['contact_email', 'missing']])
  })

  it('accepts a draft once the council fills in the gaps', () => {
    const d = draftFromEntry(source({ screening: { tier: 'low', flags: [] } }))
    assert.deepEqual(completeness(d).missing.map((m) => m.key), ['benefit', 'risks_and_mitigations'])
    assert.equal(completeness({ ...d, benefit: 'Faster help.', risks_and_mitigations: 'Bias: monitored.' }).complete, true)
  })
})

// ---- exports ----------------------------------------------------------------------------------

describe('recordsToJson', () => {
  it('gives one object per record: metadata then every ATRS key', () => {
    const out = recordsToJson([row(), row({ slug: 'other', version: 1 })]) as Record<string, unknown>[]
    assert.ok(Array.isArray(out))
    assert.equal(out.length, 2)
    const first = out[0] ?? {}
    assert.deepEqual(Object.keys(first), ['id', 'standard_version', 'date_updated', 'version', ...ATRS_FIELDS.map((f) => f.key)])
    assert.equal(first.id, 'rent-arrears-prioritisation-model')
    assert.equal(first.standard_version, '3.0')
    assert.equal(first.date_updated, '2025-03-04')
    assert.equal(first.version, 2)
    assert.equal(first.title, 'some title')
    assert.equal(out[1]?.id, 'other')
  })

  it('fills absent keys with "", falls back to the organisation name, and drops unknown keys', () => {
    const [rec] = recordsToJson([row({ fields: { title: 'T', secret_note: 'internal' } })]) as Record<string, unknown>[]
    assert.equal(rec?.organisation_name, 'Exampleshire Council')
    assert.equal(rec?.benefit, '')
    assert.ok(!('secret_note' in (rec ?? {})))
  })

  it('survives a JSON round trip', () => {
    const out = recordsToJson([row()])
    assert.deepEqual(JSON.parse(JSON.stringify(out)), out)
  })

  it('rejects a bad publication date', () => {
    assert.throws(() => recordsToJson([row({ publishedAt: 'yesterday' })]), RangeError)
  })
})

describe('recordsToCsv', () => {
  it('starts with the header row of metadata and ATRS keys, CRLF line ends', () => {
    const csv = recordsToCsv([])
    assert.equal(csv, `id,standard_version,date_updated,version,${ATRS_FIELDS.map((f) => f.key).join(',')}\r\n`)
  })

  it('writes one row per record in header order', () => {
    const csv = recordsToCsv([row(), row({ slug: 'b' })])
    const rows = parseCsv(csv)
    assert.equal(rows.length, 3)
    const [header, first] = rows
    assert.equal(first?.length, header?.length)
    assert.deepEqual(first?.slice(0, 5), ['rent-arrears-prioritisation-model', '3.0', '2025-03-04', '2', 'some title'])
    assert.equal(rows[2]?.[0], 'b')
    assert.doesNotMatch(csv.replace(/\r\n/g, ''), /\n/) // no bare LF outside the content
  })

  it('quotes commas, quotes and newlines (RFC 4180)', () => {
    const fields = completeFields({
      title: 'Bins, recycling',
      name: 'The "smart" bin',
      description: 'Line one\nLine two',
      scope: 'CR\r\nLF',
      team: 'plain',
    })
    const csv = recordsToCsv([row({ fields })])
    assert.ok(csv.includes(',"Bins, recycling",'))
    assert.ok(csv.includes(',"The ""smart"" bin",'))
    assert.ok(csv.includes(',"Line one\nLine two",'))
    assert.ok(csv.includes(',plain,'))
    const rec = parseCsv(csv)[1] ?? []
    const col = (k: string) => rec[4 + ATRS_FIELDS.findIndex((f) => f.key === k)]
    assert.equal(col('title'), 'Bins, recycling')
    assert.equal(col('name'), 'The "smart" bin')
    assert.equal(col('description'), 'Line one\nLine two')
    assert.equal(col('scope'), 'CR\r\nLF')
  })

  it('defuses spreadsheet formulas', () => {
    const fields = completeFields({
      title: '=HYPERLINK("http://evil","x")',
      name: '+1+1',
      description: '-2',
      scope: '@SUM(A1)',
      benefit: '\tTabbed',
      team: '\rReturn',
      region: 'a=b',
    })
    const rec = parseCsv(recordsToCsv([row({ fields })]))[1] ?? []
    const col = (k: string) => rec[4 + ATRS_FIELDS.findIndex((f) => f.key === k)]
    assert.equal(col('title'), `'=HYPERLINK("http://evil","x")`)
    assert.equal(col('name'), "'+1+1")
    assert.equal(col('description'), "'-2")
    assert.equal(col('scope'), "'@SUM(A1)")
    assert.equal(col('benefit'), "'\tTabbed")
    assert.equal(col('team'), "'\rReturn")
    assert.equal(col('region'), 'a=b')
  })
})

// ---- slugs ------------------------------------------------------------------------------------

describe('slugify', () => {
  const cases: [string, string][] = [
    ['Rent arrears prioritisation model', 'rent-arrears-prioritisation-model'],
    ['  Leading and trailing  ', 'leading-and-trailing'],
    ['Ami Chatbot (v2.0)!', 'ami-chatbot-v2-0'],
    ['Housing & Repairs', 'housing-and-repairs'],
    ["Council's AI tool", 'councils-ai-tool'],
    ['Gwasanaethau Cymdeithasol – Môn', 'gwasanaethau-cymdeithasol-mon'],
    ['Café Straße', 'cafe-strasse'],
    ['---', ''],
    ['', ''],
    ['日本語', ''],
    ['a--b__c', 'a-b-c'],
  ]
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(slugify(input), expected))
  }

  it('keeps to 80 characters, cutting at a word', () => {
    const s = slugify('word '.repeat(30))
    assert.ok(s.length <= 80)
    assert.match(s, /^(word-)*word$/)
    assert.equal(s.length, 79)
  })

  it('keeps a word that ends exactly at 80 characters', () => {
    const text = `${'a'.repeat(39)} ${'b'.repeat(40)} tail`
    assert.equal(slugify(text), `${'a'.repeat(39)}-${'b'.repeat(40)}`)
  })

  it('hard-cuts a single very long word', () => {
    assert.equal(slugify('x'.repeat(200)), 'x'.repeat(80))
  })

  it('always yields lower-case ASCII words joined by single hyphens', () => {
    for (const input of ['ÀÉÎÕÜ ñ ç', 'A/B\\C', 'Tab\tand\nnewline', 'émoji 🎉 tool']) {
      assert.match(slugify(input), /^([a-z0-9]+(-[a-z0-9]+)*)?$/, input)
    }
  })
})

// ---- the publishing organisation --------------------------------------------------------------

describe('withOrganisation', () => {
  const org = { name: '  Eastmarsh   City Council ', contactEmail: 'ai@eastmarsh.example', organisationType: 'Local authority' }

  it('puts the organisation’s own name, contact and type over anything typed', () => {
    const typed = { title: 'T', organisation_name: 'Riverside District Council', organisation_or_department: 'Riverside', contact_email: 'x@riverside.example' }
    assert.deepEqual(withOrganisation(typed, org), {
      title: 'T', organisation_name: 'Eastmarsh City Council', organisation_or_department: 'Eastmarsh City Council',
      contact_email: 'ai@eastmarsh.example', organisation_type: 'Local authority',
    })
  })

  it('leaves the contact blank (so the record is incomplete) when the organisation has none', () => {
    const out = withOrganisation(completeFields({ contact_email: 'typed@example.org' }), { ...org, contactEmail: null, organisationType: null })
    assert.equal(out.contact_email, '')
    assert.equal(out.organisation_type, '')
    assert.deepEqual(completeness(out).missing.map((m) => m.key), ['contact_email'])
  })

  it('names only ATRS fields that exist, and the type is not exported', () => {
    for (const key of ORGANISATION_FIELD_KEYS) assert.ok(ATRS_FIELDS.some((f) => f.key === key), key)
    assert.ok(!CSV_COLUMNS.includes(ORGANISATION_TYPE_KEY))
  })
})
