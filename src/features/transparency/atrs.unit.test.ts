import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import type { RegisterEntry, Stage } from '../register/model.ts'
import { STAGES } from '../register/model.ts'
import { REPO_ROOT } from '../../platform/content/index.ts'
import { t } from '../../platform/i18n/i18n.ts'
import {
  ATRS_FIELDS,
  ATRS_VERSION,
  CSV_COLUMNS,
  GROUPS,
  ORGANISATION_FIELD_KEYS,
  ORGANISATION_TYPE_KEY,
  PHASES,
  bySection,
  checkValues,
  completeness,
  csvHeaderLine,
  csvRecordLine,
  draftFromEntry,
  exportRecord,
  isNotApplicable,
  isRequired,
  joinItems,
  phaseForStage,
  recordToJson,
  recordsToCsv,
  recordsToJson,
  sectionsFor,
  slugify,
  splitItems,
  valueProblem,
  withOrganisation,
  type AtrsFields,
  type DraftSource,
  type PublishedRecordRow,
} from './atrs.ts'
import { CURRENT_STANDARD, EXPORT_STANDARD, STANDARD_VERSIONS, standardFor, type RecordField } from './standard.ts'

// ---- the v3.0 template table, read from the standard's own file ----------------------------------

const TEMPLATE = path.join(REPO_ROOT, '../shared/data/atrs/standard/v3.0_template_table.md')
/** Without the shared data (a bare checkout), the tests that read the template are skipped, not failed. */
const noTemplate = existsSync(TEMPLATE) ? false : `no ${TEMPLATE}`

interface TemplateRow { ref: string; key: string; category: string; required: boolean }

/** The rows of the template's markdown tables: reference number, attribute, category, required. */
function templateRows(): TemplateRow[] {
  const rows: TemplateRow[] = []
  for (const line of readFileSync(TEMPLATE, 'utf8').split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim())
    if (cells.length < 8 || !/^\d+(\.\d+)*$/.test(cells[0]!)) continue
    rows.push({
      ref: cells[0]!,
      key: cells[1]!.replace(/<br>/g, '').trim(),
      category: cells[4]!,
      required: { TRUE: true, FALSE: false }[cells[cells.length - 1]!] ?? assert.fail(`required is ${cells[cells.length - 1]} at ${cells[0]}`),
    })
  }
  return rows
}

const isMetadataRow = (r: TemplateRow) => r.category === 'Metadata'
const isRepeatedRow = (r: TemplateRow) => r.category === 'Model Specification' || r.category === 'Data Specification'

/** The template's keys, each once (2.4.1.2 repeats 0.13 phase), in its order. */
function templateKeysOnce(rows: TemplateRow[]): string[] {
  return [...new Set(rows.map((r) => r.key))]
}

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

/** A valid value for a field, by its type: the first option (no supplier), an address, or some text. */
function validValue(f: RecordField): string {
  if (f.key === 'external_supplier_involvement') return 'No'
  if (f.options) return f.options[0]!
  if (f.type === 'url') return 'https://www.exampleshire.gov.uk/ai'
  if (f.type === 'email') return 'ai@exampleshire.gov.uk'
  return `Some ${f.name}.`
}

/**
 * A record of `version` with every field of the standard filled in with a valid value, built from
 * the standard itself (so it follows the content files). Items of repeated sections: as many as the
 * overrides name (model_name__2 → two models), at least the section's minimum.
 */
function completeFields(overrides: AtrsFields = {}, version: string = EXPORT_STANDARD): AtrsFields {
  const out: AtrsFields = {}
  for (const s of sectionsFor(overrides, version)) for (const f of s.fields) out[f.name] = validValue(f)
  return { ...out, ...overrides }
}

function row(overrides: Partial<PublishedRecordRow> = {}): PublishedRecordRow {
  return {
    organisationName: 'Exampleshire Council',
    slug: 'exampleshire-council/rent-arrears-prioritisation-model',
    version: 2,
    publishedAt: '2025-03-04T10:11:12.000Z',
    fields: completeFields({ title: 'Rent arrears prioritisation model' }),
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

/** A CSV data row as column → cell. */
const byColumn = (cells: readonly string[]): Record<string, string> => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, cells[i] ?? '']))

const SUPPLIER_DETAIL_KEYS = [
  'external_supplier', 'companies_house_number', 'external_supplier_role', 'procurement_procedure_type', 'data_access_terms',
]

// ---- the standard and the field list ---------------------------------------------------------

describe('the v3.0 standard file against the template table', { skip: noTemplate }, () => {
  const std = standardFor('3.0')
  const all = std.sections.flatMap((s) => s.fields)

  it('uses the v3.0 references and attribute keys, in order', () => {
    assert.equal(ATRS_VERSION, '3.0')
    assert.equal(EXPORT_STANDARD, '3.0')
    const rows = templateRows()
    assert.equal(rows.length, 65, 'the template has 65 rows (phase twice)')
    assert.deepEqual(all.map((f) => [f.ref, f.sameAs !== undefined ? 'phase' : f.key]), rows.map((r) => [r.ref, r.key]))
  })

  it('marks required as the table does, apart from the metadata and the supplier details', () => {
    for (const r of templateRows()) {
      const f = all.find((x) => x.ref === r.ref)!
      if (isMetadataRow(r)) {
        // 0.1–0.10 are TRUE in the template, but nobody types them: id, standard_version,
        // organisation_type and the three dates are `system` (added when a record is exported, from
        // the publication and the organisation's settings); function, capability, task and tags are
        // the classification the central ATRS team gives a record, so our file lets a council
        // fill them in but does not refuse to publish without them.
        const editable = ['function', 'capability', 'task', 'tags']
        assert.equal(f.type === 'system', !editable.includes(r.key), r.key)
        assert.equal(f.required, false, r.key)
        continue
      }
      if (r.ref === '2.4.1.2') {
        // 2.4.1.2 repeats 0.13 phase: one value, asked once (required there).
        assert.equal(f.sameAs, '0.13')
        continue
      }
      assert.equal(f.required, r.required, `${r.ref} ${r.key}`)
      // FALSE in the template, but required once a supplier is involved (the guidance says so).
      if (r.ref.startsWith('2.1.4.')) assert.deepEqual(f.requiredWhen, { external_supplier_involvement: 'Yes' }, r.key)
      else assert.equal(f.requiredWhen, undefined, r.key)
    }
  })

  it('repeats the model and data specifications, and nothing else', () => {
    for (const r of templateRows()) {
      const f = all.find((x) => x.ref === r.ref)!
      const group = r.category === 'Model Specification' ? 'model_specifications' : r.category === 'Data Specification' ? 'data_specifications' : undefined
      assert.equal(f.group, group, r.key)
    }
    assert.deepEqual(std.sections.filter((s) => s.repeat).map((s) => [s.id, s.repeat?.min]), [['model', 1], ['data', 1]])
  })

  it('lists every field a person fills once, without the system fields', () => {
    const rows = templateRows()
    const system = all.filter((f) => f.type === 'system').map((f) => f.key)
    assert.deepEqual(std.fields.map((f) => f.key), templateKeysOnce(rows).filter((k) => !system.includes(k)))
  })
})

describe('the versions', () => {
  it('knows 3.0 and 4.0; new records follow 4.0, downloads use the 3.0 keys', () => {
    assert.deepEqual(STANDARD_VERSIONS, ['3.0', '4.0'])
    assert.equal(CURRENT_STANDARD, '4.0')
    assert.throws(() => standardFor('2.1'), RangeError)
  })

  it('v4.0 drops the metadata, scope and dataset purposes, and the phase at 2.4.1.2', () => {
    const v4 = standardFor('4.0')
    const keys = v4.fields.map((f) => f.key)
    for (const gone of ['function', 'capability', 'task', 'tags', 'scope', 'provided_information', 'dataset_purposes']) assert.ok(!keys.includes(gone), gone)
    assert.ok(v4.sections.every((s) => s.fields.every((f) => f.sameAs === undefined && f.type !== 'system')))
    assert.equal(keys.filter((k) => k === 'phase').length, 1)
  })

  it('v4.0 asks for every field, supplier details while a third party is involved', () => {
    for (const f of standardFor('4.0').fields) {
      if (f.requiredWhen) assert.deepEqual(f.requiredWhen, { external_supplier_involvement: 'Yes' }, f.key)
      else assert.equal(f.required, true, f.key)
    }
  })

  it('v4.0 repeats models and development data (none needed) and operational data (at least one)', () => {
    assert.deepEqual(standardFor('4.0').sections.filter((s) => s.repeat).map((s) => [s.id, s.repeat?.group, s.repeat?.min]), [
      ['model', 'model_specifications', 0],
      ['development_data', 'data_specifications', 0],
      ['operational_data', 'operational_data_specifications', 1],
    ])
  })

  it('v4.0 phases and regions', () => {
    const v4 = standardFor('4.0')
    assert.deepEqual(v4.byKey.get('phase')?.options, ['Pre-deployment', 'Private beta', 'Public beta', 'Production', 'Retired'])
    assert.ok(v4.byKey.get('region')?.options?.includes('International'))
    assert.ok(!standardFor('3.0').byKey.get('region')?.options?.includes('International'))
    assert.deepEqual(standardFor('3.0').byKey.get('phase')?.options, [...PHASES])
  })
})

describe('ATRS_FIELDS', () => {
  const v3 = standardFor('3.0').fields.map((f) => f.key)
  const v4Added = standardFor('4.0').fields.map((f) => f.key).filter((k) => !v3.includes(k))

  it('has every key of every version once: v3.0 in template order, then what v4.0 added', () => {
    assert.deepEqual(ATRS_FIELDS.map((f) => f.key), [...v3, ...v4Added])
    assert.deepEqual(v4Added, [
      'system_level_input', 'system_level_output',
      'operational_data_name', 'operational_data_modality', 'operational_data_description', 'operational_data_quantities',
      'operational_sensitive_attributes', 'operational_data_collection', 'operational_data_sharing_agreements',
      'operational_data_access_and_storage',
    ])
  })

  it('has unique keys, and leaves the system metadata out', () => {
    const keys = ATRS_FIELDS.map((f) => f.key)
    assert.equal(new Set(keys).size, keys.length)
    for (const meta of ['id', 'standard_version', 'organisation_type', 'date_updated', 'date_of_completion', 'date_archived', 'version']) {
      assert.ok(!keys.includes(meta), meta)
    }
    assert.ok(keys.every((k) => !k.includes('__')))
  })

  it('marks required as the v3.0 file does (v4.0 additions as v4.0 does)', () => {
    const required = (version: string) => standardFor(version).fields.filter((f) => f.required).map((f) => f.key)
    assert.deepEqual(
      ATRS_FIELDS.filter((f) => f.required).map((f) => f.key),
      [...required('3.0'), ...required('4.0').filter((k) => v4Added.includes(k))],
    )
  })

  it('gives tiers by reference, and every field a label, section and hint in our words', () => {
    for (const f of ATRS_FIELDS) {
      const expectedTier = f.ref.startsWith('0.') ? 'meta' : f.ref.startsWith('1.') ? 1 : 2
      assert.equal(f.tier, expectedTier, f.key)
      assert.ok(f.label.trim() && f.section.trim() && f.hint.trim(), f.key)
      assert.notEqual(f.label, `atrs.field.${f.key}`, f.key)
      assert.ok(!f.section.startsWith('atrs.'), f.key)
    }
  })

  it('gives every field of every version its words, renamed ones their own', () => {
    for (const version of STANDARD_VERSIONS) {
      for (const s of sectionsFor({}, version)) {
        assert.ok(!s.title.startsWith('atrs.'), s.id)
        for (const f of s.fields) assert.ok(!f.label.startsWith('atrs.') && !f.hint.startsWith('atrs.'), `${version} ${f.name}`)
      }
    }
    const v4Label = sectionsFor({}, '4.0').flatMap((s) => s.fields).find((f) => f.key === 'external_supplier_involvement')?.label
    assert.equal(v4Label, t('atrs.field.third_party_involvement'))
    assert.notEqual(v4Label, t('atrs.field.external_supplier_involvement'))
  })

  it('is frozen', () => {
    assert.ok(Object.isFrozen(ATRS_FIELDS))
    assert.ok(ATRS_FIELDS.every((f) => Object.isFrozen(f)))
  })

  it('groups the repeated specifications by name', () => {
    assert.deepEqual([...GROUPS.keys()], ['model_specifications', 'data_specifications', 'operational_data_specifications'])
    assert.deepEqual(GROUPS.get('model_specifications'), standardFor('3.0').sections.find((s) => s.id === 'model')?.fields.map((f) => f.key))
  })
})

// ---- drafting ---------------------------------------------------------------------------------

/** Every concrete key a blank record of `version` shows (repeated sections at their minimum). */
const blankKeys = (version: string) => sectionsFor({}, version).flatMap((s) => s.fields.map((f) => f.name)).sort()

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
    assert.equal(d.process_integration, 'The tool helps staff reach decisions, but a person makes each decision.')
    assert.equal(d.human_decisions_and_review, 'An income officer reviews every case before contact.')
    assert.equal(d.models, 'Gradient boosted trees')
    assert.equal(d.sensitive_attributes__1, 'Personal data.')
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

  it('puts purpose, technique and people affected in the detailed description; people and service in scope (v3.0)', () => {
    const d = draftFromEntry(source())
    assert.match(d.detailed_description ?? '', /^Ranks tenants/)
    assert.match(d.detailed_description ?? '', /Technique: Gradient boosted trees/)
    assert.match(d.detailed_description ?? '', /People affected: Council tenants with rent arrears/)
    assert.doesNotMatch(d.detailed_description ?? '', /Service area/)
    assert.match(d.scope ?? '', /Housing Income/)
    assert.match(d.scope ?? '', /Council tenants with rent arrears/)
  })

  it('v4.0: the detailed description absorbs the scope, which has no field of its own', () => {
    const d = draftFromEntry(source({ version: '4.0' }))
    assert.ok(!('scope' in d))
    assert.match(d.detailed_description ?? '', /^Ranks tenants/)
    assert.match(d.detailed_description ?? '', /Technique: Gradient boosted trees/)
    assert.match(d.detailed_description ?? '', /Service area: Housing Income/)
    assert.match(d.detailed_description ?? '', /People affected: Council tenants with rent arrears/)
  })

  for (const version of STANDARD_VERSIONS) {
    it(`v${version}: every field of the version present, and no other`, () => {
      const d = draftFromEntry(source({ version }))
      assert.deepEqual(Object.keys(d).sort(), blankKeys(version))
      assert.ok(Object.values(d).every((v) => typeof v === 'string'))
    })
  }

  it('v3.0 drafts one model and one dataset; v4.0 one operational dataset and no model', () => {
    const v3 = draftFromEntry(source())
    assert.ok('model_name__1' in v3 && 'source_data_name__1' in v3 && !('model_name__2' in v3))
    const v4 = draftFromEntry(source({ version: '4.0' }))
    assert.ok('operational_data_name__1' in v4)
    assert.ok(!Object.keys(v4).some((k) => k.startsWith('model_name') || k.startsWith('source_data_name')))
    assert.equal(v4.operational_sensitive_attributes__1, 'Personal data.')
    assert.equal(draftFromEntry(source({ version: '4.0' }, { personalData: false })).operational_sensitive_attributes__1, 'None.')
  })

  it('defaults to v3.0', () => {
    assert.deepEqual(draftFromEntry(source()), draftFromEntry(source({ version: '3.0' })))
  })

  it('leaves what the register does not know blank', () => {
    const d = draftFromEntry(source())
    for (const key of [
      'benefit', 'previous_process', 'alternatives_considered', 'risks_and_mitigations', 'impact_assessment',
      'companies_house_number', 'external_supplier_role', 'procurement_procedure_type', 'data_access_terms',
      'function', 'capability', 'task', 'tags', 'model_name__1', 'source_data_name__1', 'data_modality__1',
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

  it('matches the region to one of the version’s options, or leaves it blank', () => {
    const withRegion = (region: string | null, nation: string | null = null, version?: string) =>
      draftFromEntry(source({ version, organisation: { name: 'C', contactEmail: null, websiteUrl: null, region, nation } })).region
    assert.equal(withRegion('  south east '), 'South East')
    assert.equal(withRegion('Narnia'), '')
    assert.equal(withRegion('Narnia', 'wales'), 'Wales')
    assert.equal(withRegion(null, 'Scotland'), 'Scotland')
    assert.equal(withRegion('International', null, '4.0'), 'International')
    assert.equal(withRegion('International', null, '3.0'), '')
    for (const version of STANDARD_VERSIONS) {
      const options = standardFor(version).byKey.get('region')?.options ?? []
      for (const r of ['London', 'LONDON', 'Atlantis', '', 'International']) {
        const got = withRegion(r, null, version) ?? ''
        assert.ok(got === '' || options.includes(got), `${version} ${r} → ${got}`)
      }
    }
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

  for (const version of STANDARD_VERSIONS) {
    it(`v${version}: a draft saves without problems`, () => {
      assert.deepEqual(checkValues(draftFromEntry(source({ version, screening: { tier: 'low', flags: [] } })), version), [])
    })
  }
})

describe('phase from lifecycle stage', () => {
  const cases: [Stage, string, string][] = [
    ['idea', 'Pre-deployment', 'Pre-deployment'],
    ['proposed', 'Pre-deployment', 'Pre-deployment'],
    ['under_assessment', 'Pre-deployment', 'Pre-deployment'],
    ['awaiting_decision', 'Pre-deployment', 'Pre-deployment'],
    ['approved', 'Pre-deployment', 'Pre-deployment'],
    ['rejected', 'Pre-deployment', 'Pre-deployment'],
    ['pilot', 'Beta/Pilot', 'Private beta'],
    ['live', 'Production', 'Production'],
    ['retired', 'Retired', 'Retired'],
  ]

  it('covers every stage', () => {
    assert.deepEqual(cases.map(([s]) => s).sort(), [...STAGES].sort())
  })

  for (const [stage, v3, v4] of cases) {
    it(`${stage} → ${v3} (3.0), ${v4} (4.0)`, () => {
      assert.equal(phaseForStage(stage), v3)
      assert.equal(phaseForStage(stage, '3.0'), v3)
      assert.equal(phaseForStage(stage, '4.0'), v4)
      for (const [version, phase] of [['3.0', v3], ['4.0', v4]] as const) {
        const d = draftFromEntry(source({ version }, { stage }))
        assert.equal(d.phase, phase)
        assert.ok(standardFor(version).byKey.get('phase')?.options?.includes(d.phase ?? ''), version)
      }
    })
  }
})

// ---- checking values when saved ---------------------------------------------------------------

describe('checkValues (on save)', () => {
  const problems = (values: AtrsFields, version?: string) => checkValues(values, version).map((c) => [c.key, c.problem])

  it('checks only the keys given, and blank fields are fine while a draft', () => {
    assert.deepEqual(checkValues({}), [])
    assert.deepEqual(problems({ benefit: '', website_url: '', phase: '', data_modality__1: '' }), [])
  })

  it('refuses an option that is not one of the field’s', () => {
    assert.deepEqual(problems({ phase: 'Banana', external_supplier_involvement: 'Maybe', region: 'Mars', function: 'Fun' }), [
      ['function', 'notAnOption'], ['phase', 'notAnOption'], ['region', 'notAnOption'], ['external_supplier_involvement', 'notAnOption'],
    ])
    assert.deepEqual(problems({ phase: 'Beta/Pilot', external_supplier_involvement: 'Yes', region: 'Wales' }), [])
  })

  it('uses the options of the record’s version', () => {
    assert.deepEqual(problems({ phase: 'Private beta' }, '4.0'), [])
    assert.deepEqual(problems({ phase: 'Private beta' }, '3.0'), [['phase', 'notAnOption']])
    assert.deepEqual(problems({ phase: 'Beta/Pilot' }, '4.0'), [['phase', 'notAnOption']])
    assert.deepEqual(problems({ region: 'International' }, '4.0'), [])
  })

  it('refuses a javascript: website and a malformed e-mail, and takes "N/A" for an address', () => {
    assert.deepEqual(problems({ website_url: 'javascript:alert(1)', contact_email: 'not an email' }), [
      ['website_url', 'invalid'], ['contact_email', 'invalid'],
    ])
    assert.deepEqual(problems({ website_url: 'N/A', source_data_url__1: 'n/a' }), [])
    assert.deepEqual(problems({ contact_email: 'N/A' }), [['contact_email', 'invalid']])
  })

  it('refuses text over the field’s limit', () => {
    assert.deepEqual(problems({ one_sentence_description: 'x'.repeat(300) }), [])
    assert.deepEqual(problems({ one_sentence_description: 'x'.repeat(301) }), [['one_sentence_description', 'tooLong']])
    assert.deepEqual(problems({ benefit: 'x'.repeat(20001) }), [['benefit', 'tooLong']])
  })

  it('refuses a blank title or name, even in a draft', () => {
    assert.deepEqual(problems({ title: '  ', name: '' }), [['title', 'missing'], ['name', 'missing']])
  })

  it('checks each item of a repeated specification under its own key and section', () => {
    const [c, ...rest] = checkValues({ data_modality__1: 'Text', data_modality__2: 'Smell', source_data_url__2: 'ftp://x.example' })
    assert.equal(rest.length, 1)
    assert.deepEqual([c?.key, c?.problem, c?.sectionId, c?.ref], ['data_modality__2', 'notAnOption', 'data-2', '2.4.3.2'])
    assert.equal(c?.section, t('atrs.section.data.item', { n: 2 }))
  })
})

// ---- completeness -----------------------------------------------------------------------------

describe('completeness', () => {
  for (const version of STANDARD_VERSIONS) {
    it(`passes a complete v${version} record`, () => {
      assert.deepEqual(completeness(completeFields({}, version), version), { complete: true, missing: [], notApplicable: [] })
    })
  }

  it('lists every required field when the record is empty, in template order, with its section', { skip: noTemplate }, () => {
    // From the template: every TRUE row but the metadata (ours to add) and 2.4.1.2 (phase again);
    // the model and data specifications once each, as item 1.
    const expected = templateKeysOnce(templateRows().filter((r) => r.required && !isMetadataRow(r))).map((key) => {
      const r = templateRows().find((x) => x.key === key)!
      return isRepeatedRow(r) ? `${key}__1` : key
    })
    const c = completeness({})
    assert.equal(c.complete, false)
    assert.deepEqual(c.missing.map((m) => m.key), expected)
    assert.ok(c.missing.every((m) => m.problem === 'missing'))
    assert.deepEqual(bySection(c.missing).map((s) => [s.sectionId, s.section]), [
      ['title', 'Title information'],
      ['tier1', 'Tier 1 information'],
      ['owner', 'Owner and responsibility'],
      ['rationale', 'Description and rationale'],
      ['decision_making', 'Decision-making process'],
      ['tool', 'Tool specification'],
      ['model-1', 'Model specification 1'],
      ['data-1', 'Data specification 1'],
      ['risks', 'Risks, mitigations and impact assessments'],
    ])
  })

  it('gives key, label, ref, section and problem for each gap', () => {
    const c = completeness(completeFields({ benefit: '   \n ' }))
    assert.deepEqual(c.missing, [{
      key: 'benefit', label: 'Benefit', ref: '2.2.3', section: 'Description and rationale', sectionId: 'rationale', problem: 'missing',
    }])
  })

  it('does not ask for optional fields', () => {
    const c = completeness(completeFields({
      detailed_description: '', previous_process: '', alternatives_considered: '', appeals_and_review: '', data_cleaning__1: '',
      function: '', capability: '', task: '', tags: '',
    }))
    assert.equal(c.complete, true)
  })

  it('needs the supplier details only when a supplier is involved', () => {
    const blanks = Object.fromEntries(SUPPLIER_DETAIL_KEYS.map((k) => [k, '']))
    assert.equal(completeness(completeFields({ ...blanks, external_supplier_involvement: 'No' })).complete, true)

    const withSupplier = completeness(completeFields({ ...blanks, external_supplier_involvement: 'Yes' }))
    assert.deepEqual(withSupplier.missing.map((m) => [m.ref, m.key, m.problem, m.sectionId]), [
      ['2.1.4.1', 'external_supplier', 'missing', 'owner'],
      ['2.1.4.2', 'companies_house_number', 'missing', 'owner'],
      ['2.1.4.3', 'external_supplier_role', 'missing', 'owner'],
      ['2.1.4.4', 'procurement_procedure_type', 'missing', 'owner'],
      ['2.1.4.5', 'data_access_terms', 'missing', 'owner'],
    ])
    // The details are asked for whatever the case or spacing of "yes" (the value itself is then
    // not one of the options, and said so).
    assert.deepEqual(completeness(completeFields({ ...blanks, external_supplier_involvement: ' yes ' })).missing.map((m) => m.problem),
      ['notAnOption', 'missing', 'missing', 'missing', 'missing', 'missing'])
    assert.equal(completeness(completeFields({ external_supplier_involvement: 'Yes' })).complete, true)
    // The same in v4.0, where the supplier is a "third party".
    assert.equal(completeness(completeFields({ ...blanks, external_supplier_involvement: 'Yes' }, '4.0'), '4.0').missing.length, 5)
    assert.equal(completeness(completeFields({ ...blanks, external_supplier_involvement: 'No' }, '4.0'), '4.0').complete, true)
  })

  it('marks a malformed email as invalid', () => {
    for (const bad of ['ai', 'ai@', 'ai@council', 'a i@council.gov.uk', 'ai@@council.gov.uk', 'mailto:ai@council.gov.uk x', 'not an email']) {
      const c = completeness(completeFields({ contact_email: bad }))
      assert.deepEqual(c.missing.map((m) => [m.key, m.label, m.ref, m.problem]), [['contact_email', 'Contact email', '1.4', 'invalid']], bad)
    }
    assert.equal(completeness(completeFields({ contact_email: ' digital.team@council.gov.uk ' })).complete, true)
  })

  it('marks a malformed website or source data URL as invalid', () => {
    for (const bad of ['www.council.gov.uk', 'council', 'ftp://council.gov.uk', 'javascript:alert(1)', 'https://council', 'https://exa mple.gov.uk', 'https://-bad.gov.uk']) {
      const c = completeness(completeFields({ website_url: bad, source_data_url__1: bad }))
      assert.deepEqual(c.missing.map((m) => [m.key, m.ref, m.problem]), [['website_url', '1.3', 'invalid'], ['source_data_url__1', '2.4.3.7', 'invalid']], bad)
    }
    for (const good of ['https://www.council.gov.uk/ai?x=1#y', 'http://council.gov.uk']) {
      assert.equal(completeness(completeFields({ website_url: good })).complete, true, good)
    }
  })

  it('accepts "N/A" for a URL and lists it under notApplicable', () => {
    const c = completeness(completeFields({ website_url: 'N/A', source_data_url__1: 'n/a', benefit: 'Not applicable' }))
    assert.equal(c.complete, true)
    assert.deepEqual(c.notApplicable.map((m) => [m.key, m.sectionId]), [['website_url', 'tier1'], ['benefit', 'rationale'], ['source_data_url__1', 'data-1']])
    for (const na of ['N/A', 'n/a', 'NA', 'na.', 'Not applicable', 'none', ' None. ']) assert.ok(isNotApplicable(na), na)
    for (const not of ['Nothing', 'N/A yet', 'nan', '']) assert.ok(!isNotApplicable(not), not)
    assert.equal(valueProblem({ type: 'url' }, 'N/A'), null)
    assert.equal(valueProblem({ type: 'email' }, 'N/A'), 'invalid')
  })

  it('refuses an option not in the list (phase "Banana", supplier involvement "Maybe")', () => {
    const c = completeness(completeFields({ phase: 'Banana', external_supplier_involvement: 'Maybe', data_modality__1: 'Smell' }))
    assert.equal(c.complete, false)
    assert.deepEqual(c.missing.map((m) => [m.key, m.problem]), [
      ['phase', 'notAnOption'], ['external_supplier_involvement', 'notAnOption'], ['data_modality__1', 'notAnOption'],
    ])
  })

  it('treats a missing email or URL as missing, not invalid', () => {
    const c = completeness(completeFields({ website_url: '', contact_email: ' ' }))
    assert.deepEqual(c.missing.map((m) => [m.key, m.problem]), [['website_url', 'missing'], ['contact_email', 'missing']])
  })

  it('counts a redaction with a reason as filled, and asks for the reason of one without', () => {
    const fields = completeFields({ benefit: '', contact_email: 'not an email' })
    const redacted = completeness(fields, '3.0', { benefit: 'Commercially sensitive', contact_email: 'Security' })
    assert.deepEqual(redacted, { complete: true, missing: [], notApplicable: [] })
    const noReason = completeness(fields, '3.0', { benefit: '  ', contact_email: 'Security' })
    assert.deepEqual(noReason.missing.map((m) => [m.key, m.problem, m.sectionId]), [['benefit', 'redactionReason', 'rationale']])
  })

  it('v4.0 needs at least one operational data specification, and no model or development data', () => {
    const c = completeness({}, '4.0')
    const keys = c.missing.map((m) => m.key)
    assert.ok(keys.includes('operational_data_name__1'))
    assert.ok(keys.every((k) => !/^(model_|source_data_|data_modality)/.test(k)), keys.join())
    assert.ok(keys.every((k) => !k.endsWith('__2')))
    // A complete record with no model and no development data passes…
    const v4 = completeFields({}, '4.0')
    assert.ok(!Object.keys(v4).some((k) => k.startsWith('model_name')))
    assert.equal(completeness(v4, '4.0').complete, true)
    // …but a model once begun must be described in full.
    const begun = completeness({ ...v4, model_name__1: 'Triage model' }, '4.0')
    assert.deepEqual(begun.missing.map((m) => m.key), [
      'model_version__1', 'model_task__1', 'model_input__1', 'model_output__1', 'model_architecture__1', 'model_performance__1', 'datasets__1',
    ])
    assert.ok(begun.missing.every((m) => m.sectionId === 'model-1'))
  })

  it('v3.0 needs one model and one dataset, and every item given', () => {
    const keys = completeness({}).missing.map((m) => m.key)
    assert.ok(keys.includes('model_name__1') && keys.includes('dataset_purposes__1') && keys.includes('source_data_name__1'))
    assert.ok(!keys.some((k) => k.startsWith('operational_')))
    // A second dataset begun: each of its required fields is asked for, under "Data specification 2".
    const two = completeness({ ...completeFields(), source_data_name__2: 'Second dataset' })
    assert.equal(two.complete, false)
    assert.ok(two.missing.every((m) => m.sectionId === 'data-2' && m.key.endsWith('__2') && m.problem === 'missing'))
    assert.equal(two.missing.length, standardFor('3.0').fields.filter((f) => f.group === 'data_specifications' && f.required).length - 1)
    assert.equal(completeness(completeFields({ source_data_name__2: 'Second dataset' })).complete, true)
  })

  it('v4.0 asks for every field a v3.0 record may leave out', () => {
    const v4 = completeFields({ previous_process: '', alternatives_considered: '', appeals_and_review: '' }, '4.0')
    assert.deepEqual(completeness(v4, '4.0').missing.map((m) => m.key), ['previous_process', 'alternatives_considered', 'appeals_and_review'])
  })

  it('accepts a draft once the council fills in the gaps', () => {
    for (const version of STANDARD_VERSIONS) {
      const d = draftFromEntry(source({ version, screening: { tier: 'low', flags: [] } }))
      const missing = completeness(d, version).missing
      assert.ok(missing.every((m) => m.problem === 'missing'), version)
      // What the register knows is never asked for again.
      for (const known of ['title', 'name', 'organisation_name', 'phase', 'region', 'one_sentence_description', 'description', 'website_url',
        'contact_email', 'team', 'senior_responsible_owner', 'external_supplier_involvement', 'detailed_description', 'process_integration',
        'human_decisions_and_review', 'models', 'impact_assessment']) {
        assert.ok(!missing.some((m) => m.key === known), `${version} ${known}`)
      }
      const filled = { ...d, ...Object.fromEntries(missing.map((m) => [m.key, completeFields({}, version)[m.key] ?? 'Filled in.'])) }
      assert.deepEqual(completeness(filled, version), { complete: true, missing: [], notApplicable: [] }, version)
    }
  })

  it('isRequired follows requiredWhen, whatever the case', () => {
    const f = { required: false, requiredWhen: { external_supplier_involvement: 'Yes' } }
    assert.equal(isRequired(f, {}), false)
    assert.equal(isRequired(f, { external_supplier_involvement: 'No' }), false)
    assert.equal(isRequired(f, { external_supplier_involvement: ' YES ' }), true)
    assert.equal(isRequired({ required: true }, {}), true)
  })
})

// ---- exports ----------------------------------------------------------------------------------

describe('CSV_COLUMNS', () => {
  it('v3.0 metadata 0.1–0.10, then the v3.0 fields in template order (phase once), then version, then v4.0 additions', { skip: noTemplate }, () => {
    const v3 = templateKeysOnce(templateRows())
    const v3Keys = standardFor('3.0').fields.map((f) => f.key)
    const v4Added = standardFor('4.0').fields.map((f) => f.key).filter((k) => !v3Keys.includes(k))
    assert.deepEqual(CSV_COLUMNS, [...v3, 'version', ...v4Added])
    assert.deepEqual(CSV_COLUMNS.slice(0, 10), templateRows().filter(isMetadataRow).map((r) => r.key))
    assert.equal(CSV_COLUMNS.filter((c) => c === 'phase').length, 1)
    assert.equal(new Set(CSV_COLUMNS).size, CSV_COLUMNS.length)
  })
})

describe('recordsToJson / recordToJson', () => {
  it('gives one object per record: the CSV’s keys, then each repeated specification as an array', () => {
    const out = recordsToJson([row(), row({ slug: 'exampleshire-council/other', version: 1 })]) as Record<string, unknown>[]
    assert.ok(Array.isArray(out))
    assert.equal(out.length, 2)
    const first = out[0] ?? {}
    const grouped = new Set([...GROUPS.values()].flat())
    assert.deepEqual(Object.keys(first), [...CSV_COLUMNS.filter((c) => !grouped.has(c)), ...GROUPS.keys()])
    assert.equal(first.id, 'exampleshire-council/rent-arrears-prioritisation-model')
    assert.equal(first.standard_version, '3.0')
    assert.equal(first.date_updated, '2025-03-04')
    assert.equal(first.date_of_completion, '2025-03-04')
    assert.equal(first.date_archived, '')
    assert.equal(first.version, 2)
    assert.equal(first.title, 'Rent arrears prioritisation model')
    assert.equal(out[1]?.id, 'exampleshire-council/other')
  })

  it('nests the models and datasets: one object per item, with the group’s keys', () => {
    const rec = recordToJson(row({ fields: completeFields({ model_name__2: 'Second model' }) }))
    const models = rec.model_specifications as Record<string, string>[]
    assert.equal(models.length, 2)
    assert.deepEqual(Object.keys(models[0] ?? {}), GROUPS.get('model_specifications'))
    assert.equal(models[0]?.model_name, 'Some model_name__1.')
    assert.equal(models[1]?.model_name, 'Second model')
    assert.equal((rec.data_specifications as unknown[]).length, 1)
    assert.deepEqual(rec.operational_data_specifications, [])
    assert.ok(!('model_name' in rec) && !('model_name__1' in rec))
  })

  it('a v4.0 record says so, and carries its operational data', () => {
    const rec = recordToJson(row({ standardVersion: '4.0', fields: completeFields({}, '4.0') }))
    assert.equal(rec.standard_version, '4.0')
    assert.deepEqual(rec.model_specifications, [])
    const ops = rec.operational_data_specifications as Record<string, string>[]
    assert.equal(ops.length, 1)
    assert.equal(ops[0]?.operational_data_name, 'Some operational_data_name__1.')
    assert.equal(rec.system_level_input, 'Some system_level_input.')
  })

  it('dates: completion from the first version, archived when retired', () => {
    const rec = recordToJson(row({ firstPublishedAt: '2024-12-31T23:59:59Z', fields: completeFields({ phase: 'Retired' }) }))
    assert.deepEqual([rec.date_of_completion, rec.date_updated, rec.date_archived], ['2024-12-31', '2025-03-04', '2025-03-04'])
  })

  it('fills absent keys with "", falls back to the organisation name, and drops unknown keys', () => {
    const [rec] = recordsToJson([row({ fields: { title: 'T', secret_note: 'internal', model_secret__1: 'x' } })]) as Record<string, unknown>[]
    assert.equal(rec?.organisation_name, 'Exampleshire Council')
    assert.equal(rec?.benefit, '')
    assert.ok(!('secret_note' in (rec ?? {})))
    assert.ok(!JSON.stringify(rec).includes('internal'))
    assert.deepEqual(rec?.model_specifications, [])
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
  it('starts with the header row, CSV_COLUMNS, CRLF line ends', () => {
    assert.equal(recordsToCsv([]), `${CSV_COLUMNS.join(',')}\r\n`)
    assert.equal(csvHeaderLine(), recordsToCsv([]))
  })

  it('writes one row per record in header order', () => {
    const csv = recordsToCsv([row(), row({ slug: 'exampleshire-council/b' })])
    const rows = parseCsv(csv)
    assert.equal(rows.length, 3)
    const [header, first] = rows
    assert.deepEqual(header, [...CSV_COLUMNS])
    assert.equal(first?.length, CSV_COLUMNS.length)
    assert.equal(rows[2]?.length, CSV_COLUMNS.length)
    const rec = byColumn(first ?? [])
    assert.deepEqual([rec.id, rec.standard_version, rec.date_updated, rec.version, rec.title],
      ['exampleshire-council/rent-arrears-prioritisation-model', '3.0', '2025-03-04', '2', 'Rent arrears prioritisation model'])
    assert.equal(byColumn(rows[2] ?? []).id, 'exampleshire-council/b')
    assert.equal(csv, csvHeaderLine() + csvRecordLine(row()) + csvRecordLine(row({ slug: 'exampleshire-council/b' })))
    assert.doesNotMatch(csv.replace(/\r\n/g, ''), /\n/) // no bare LF outside the content
  })

  it('keeps the same cells as exportRecord', () => {
    const rec = exportRecord(row())
    assert.deepEqual(Object.keys(rec).sort(), [...CSV_COLUMNS].sort())
    const cells = byColumn(parseCsv(recordsToCsv([row()]))[1] ?? [])
    for (const c of CSV_COLUMNS) assert.equal(cells[c], String(rec[c]), c)
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
    const rec = byColumn(parseCsv(csv)[1] ?? [])
    assert.equal(rec.title, 'Bins, recycling')
    assert.equal(rec.name, 'The "smart" bin')
    assert.equal(rec.description, 'Line one\nLine two')
    assert.equal(rec.scope, 'CR\r\nLF')
  })

  it('defuses spreadsheet formulas, in repeated fields too', () => {
    const fields = completeFields({
      title: '=HYPERLINK("http://evil","x")',
      name: '+1+1',
      description: '-2',
      scope: '@SUM(A1)',
      benefit: '\tTabbed',
      team: '\rReturn',
      region: 'a=b',
      model_name__1: '=cmd|\' /C calc\'!A0',
    })
    const rec = byColumn(parseCsv(recordsToCsv([row({ fields })]))[1] ?? [])
    assert.equal(rec.title, `'=HYPERLINK("http://evil","x")`)
    assert.equal(rec.name, "'+1+1")
    assert.equal(rec.description, "'-2")
    assert.equal(rec.scope, "'@SUM(A1)")
    assert.equal(rec.benefit, "'\tTabbed")
    assert.equal(rec.team, "'\rReturn")
    assert.equal(rec.region, 'a=b')
    assert.equal(rec.model_name, `'=cmd|' /C calc'!A0`)
  })

  it('joins two models into one cell per field, and they split back', () => {
    const fields = completeFields({ model_name__2: 'Second model', model_version__2: '2.0, "beta"' })
    const rec = byColumn(parseCsv(recordsToCsv([row({ fields })]))[1] ?? [])
    assert.equal(rec.model_name, '[1] Some model_name__1.\n\n[2] Second model')
    assert.deepEqual(splitItems(rec.model_name ?? ''), ['Some model_name__1.', 'Second model'])
    assert.deepEqual(splitItems(rec.model_version ?? ''), ['Some model_version__1.', '2.0, "beta"'])
    // One dataset: its text alone, no numbering.
    assert.equal(rec.source_data_name, 'Some source_data_name__1.')
    assert.equal(rec.operational_data_name, '')
  })
})

describe('joinItems / splitItems', () => {
  it('one item is its text; several are numbered', () => {
    assert.equal(joinItems([]), '')
    assert.equal(joinItems(['Only']), 'Only')
    assert.equal(joinItems(['[1] looks numbered']), '[1] [1] looks numbered')
    assert.equal(joinItems(['a', 'b']), '[1] a\n\n[2] b')
    assert.deepEqual(splitItems(''), [])
    assert.deepEqual(splitItems('Only'), ['Only'])
    assert.deepEqual(splitItems('[1] a\n\n[2] \n\n[3] c'), ['a', '', 'c'])
  })

  /** Text made of the pieces the numbering uses, so markers and near-markers turn up inside items. */
  const tricky = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\n\n', '\\', '[', ']', '[1] ', '[2] ', '[3]', '[10] ', 'é', '"', ','), maxLength: 12 })
  // One empty item and no items are the same empty cell: how many items a record has comes from
  // every field of its group (recordToJson, itemCount), not from one cell.
  const onlyEmpty = (xs: readonly string[]) => xs.length === 1 && xs[0] === ''

  it('splitItems(joinItems(x)) gives x back (property), even when an item holds the marker of a later one', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 40 }), tricky, tricky), { maxLength: 6 }), (xs) => {
        fc.pre(!onlyEmpty(xs))
        assert.deepEqual(splitItems(joinItems(xs)), xs)
      }),
      { numRuns: 1000 },
    )
    assert.deepEqual(splitItems(joinItems([''])), [])
    assert.deepEqual(splitItems(joinItems(['a\n\n[2] b', 'c'])), ['a\n\n[2] b', 'c'])
    assert.deepEqual(splitItems(joinItems(['a', 'b\n\n[3] c'])), ['a', 'b\n\n[3] c'])
  })

  it('joinItems(splitItems(cell)) gives a joined cell back', () => {
    fc.assert(
      fc.property(fc.array(tricky, { minLength: 2, maxLength: 4 }), (xs) => {
        const cell = joinItems(xs)
        assert.equal(joinItems(splitItems(cell)), cell)
      }),
      { numRuns: 500 },
    )
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
    for (const version of STANDARD_VERSIONS) {
      const out = withOrganisation(completeFields({ contact_email: 'typed@example.org' }, version), { ...org, contactEmail: null, organisationType: null })
      assert.equal(out.contact_email, '')
      assert.equal(out.organisation_type, '')
      assert.deepEqual(completeness(out, version).missing.map((m) => [m.key, m.problem]), [['contact_email', 'missing']], version)
    }
  })

  it('names only fields that exist, each marked as coming from the organisation', () => {
    for (const key of ORGANISATION_FIELD_KEYS) {
      assert.ok(ATRS_FIELDS.some((f) => f.key === key), key)
      for (const version of STANDARD_VERSIONS) assert.equal(standardFor(version).byKey.get(key)?.from, 'organisation', `${version} ${key}`)
    }
    const fromOrg = (version: string) => standardFor(version).fields.filter((f) => f.from === 'organisation').map((f) => f.key).sort()
    for (const version of STANDARD_VERSIONS) assert.deepEqual(fromOrg(version), [...ORGANISATION_FIELD_KEYS].sort(), version)
  })

  it('exports the type only as the v3.0 metadata column 0.3, never as a field a person edits', () => {
    assert.ok(!ATRS_FIELDS.some((f) => f.key === ORGANISATION_TYPE_KEY))
    assert.equal(standardFor('3.0').sections[0]?.fields.find((f) => f.ref === '0.3')?.type, 'system')
    assert.equal(CSV_COLUMNS.indexOf(ORGANISATION_TYPE_KEY), 2)
    const rec = exportRecord(row({ fields: withOrganisation(completeFields(), org) }))
    assert.equal(rec.organisation_type, 'Local authority')
  })
})
