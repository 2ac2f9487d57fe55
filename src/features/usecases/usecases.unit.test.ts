// The use-case library's content, its intake answers against the register's own schema, the
// personal-data checks as a table, and what a shared copy holds.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { ContentError } from '../../platform/content/index.ts'
import { entryInput, newEntryInput, type RegisterEntry } from '../register/model.ts'
import { loadUseCases, parseUseCase } from './library.ts'
import { intakeToEntry, libraryFilters, searchWords, SHARED_FIELDS, THEMES } from './model.ts'
import { findPersonalData, type PersonalDataKind } from './personalData.ts'
import { personalDataIn, shareableCopy } from './share.ts'

const uses = loadUseCases()

describe('the library content', () => {
  it('has about twenty uses, with unique ids, covering the uses the issue names', () => {
    assert.ok(uses.length >= 20, `${uses.length} uses`)
    assert.equal(new Set(uses.map((u) => u.id)).size, uses.length, 'ids are unique')
    for (const id of ['meeting-notes', 'contact-centre-wrap-up', 'day-planning', 'data-sharing', 'cabinet-headlines', 'accessibility',
      'complaint-replies', 'report-templates', 'training-materials', 'case-chronology', 'workforce-analysis', 'project-management',
      'traffic-management', 'rent-arrears', 'website-chatbot', 'waste-routes', 'planning-validation', 'benefits-fraud',
      'childrens-risk-model', 'document-redaction']) {
      assert.ok(uses.some((u) => u.id === id), `the library has ${id}`)
    }
  })

  it('every use has data, risks, controls, a tier and a theme', () => {
    for (const u of uses) {
      assert.ok(u.typicalData.length && u.risks.length && u.controls.length, `${u.id} has data, risks and controls`)
      assert.ok(u.riskTier && u.riskTier !== 'prohibited', `${u.id} has a typical tier`)
      assert.ok(u.theme && (THEMES as readonly string[]).includes(u.theme), `${u.id} has a theme`)
    }
  })

  it('every use\'s intake passes the register\'s own schemas (the new-entry form and the API)', () => {
    for (const u of uses) {
      const asNew = newEntryInput.safeParse(intakeToEntry(u.intake))
      assert.ok(asNew.success, `${u.id}: ${JSON.stringify(asNew.error?.issues)}`)
      assert.equal(asNew.data.stage, 'idea', `${u.id} starts as an idea`)
      assert.ok(entryInput.safeParse(u.intake).success, `${u.id} passes entryInput`)
    }
  })

  it('the library itself holds no personal data it would refuse in a shared entry', () => {
    for (const u of uses) {
      for (const text of [u.title, u.summary, u.description, ...u.typicalData, ...u.risks, ...u.controls, ...Object.values(u.intake)]) {
        if (typeof text === 'string') assert.deepEqual(findPersonalData(text), [], `${u.id}: "${text}"`)
      }
    }
  })

  const dir = () => mkdtempSync(join(tmpdir(), 'usecases-'))
  const good = (id: string) => `id: ${id}
title: A use
theme: productivity
summary: A summary.
description: A description.
typicalData: [Documents]
risks: [A risk]
controls: [A control]
riskTier: low
tierReason: Low because.
intake:
  name: A use
  purpose: For a reason.
  serviceArea: Corporate services
  owner: Head of Digital
  supplier: null
  technique: Large language model
  personalData: false
  specialCategoryData: false
  decisionRole: informs
  peopleAffected: Staff
  humanOversight: Staff check it.
`

  it('a mistake in a file names the file, the path inside it and the line', () => {
    const bad = good('broken').replace('decisionRole: informs', 'decisionRole: decides').replace('riskTier: low', 'riskTier: extreme')
    const err = assert.throws(() => parseUseCase(bad, 'content/usecases/broken.yaml', 'broken.yaml'), (e: unknown) => {
      assert.ok(e instanceof ContentError, 'a ContentError')
      assert.match(e.message, /content\/usecases\/broken\.yaml: intake\.decisionRole: .*\(line 20\)/, e.message)
      assert.match(e.message, /content\/usecases\/broken\.yaml: riskTier: .*\(line 9\)/, e.message)
      return true
    })
    void err
  })

  it('an intake the register would refuse stops loading (a missing owner, an unknown field, special category without personal data)', () => {
    const cases = [
      { change: (s: string) => s.replace('  owner: Head of Digital\n', ''), path: /intake\.owner/ },
      { change: (s: string) => s.replace('  owner: Head of Digital\n', '  owner: Head of Digital\n  stage: live\n'), path: /intake/ },
      { change: (s: string) => s.replace('specialCategoryData: false', 'specialCategoryData: true'), path: /intake\.specialCategoryData/ },
      { change: (s: string) => s.replace('  purpose: For a reason.', `  purpose: ${'x'.repeat(5001)}`), path: /intake\.purpose/ },
    ]
    for (const c of cases) {
      assert.throws(() => parseUseCase(c.change(good('x-use')), 'f.yaml', 'x-use.yaml'),
        (e: unknown) => e instanceof ContentError && c.path.test(e.message), String(c.path))
    }
  })

  it('the id must match the file name, and a whole folder is loaded (and refused) through the same checks', () => {
    assert.throws(() => parseUseCase(good('other'), 'content/usecases/mine.yaml', 'mine.yaml'), /id: must be "mine"/)
    const d = dir()
    try {
      writeFileSync(join(d, 'one-use.yaml'), good('one-use'))
      assert.equal(loadUseCases(d).length, 1, 'loaded')
      const d2 = dir()
      writeFileSync(join(d2, 'two-use.yaml'), good('two-use').replace('title: A use', 'title: ""'))
      assert.throws(() => loadUseCases(d2), /two-use\.yaml: title: .*\(line 2\)/)
      rmSync(d2, { recursive: true, force: true })
    } finally {
      rmSync(d, { recursive: true, force: true })
    }
  })
})

describe('finding personal data', () => {
  const cases: { text: string; want: PersonalDataKind[]; names?: string[] }[] = [
    { text: 'Sorts requests by topic for the customer services team.', want: [] },
    { text: 'Contact ai.lead@northmoor.gov.uk for access.', want: ['email'] },
    { text: 'Ring 01632 960123 to report a fault.', want: ['phone'] },
    { text: 'Call +44 7700 900123 out of hours.', want: ['phone'] },
    { text: 'Phone (0161) 496 0000.', want: ['phone'] },
    { text: 'Serves 10,000 residents and 2026 budgets of £1,200,000.', want: [] },
    { text: 'Claimant AB 12 34 56 C was matched.', want: ['niNumber'] },
    { text: 'Based at the depot, LS1 4AP.', want: ['postcode'] },
    { text: 'Approved by Mrs Patel in March.', want: ['titledName'] },
    { text: 'Cllr J. Smith chairs the board.', want: ['titledName'] },
    { text: 'Dr Okafor reviews the outputs.', want: ['titledName'] },
    { text: 'The Lord Mayor\'s office and MS Teams meetings.', want: [] },
    { text: 'Jane Doe checks every summary.', want: ['knownName'], names: ['Jane Doe'] },
    { text: 'jane doe checks every summary.', want: ['knownName'], names: ['Jane Doe'] },
    { text: 'Janet Doetherington checks it.', want: [], names: ['Jane Doe'] },
    { text: 'Staff named Jane check it.', want: [], names: ['Jane'] },
    { text: 'Head of Customer Services checks.', want: [], names: ['Sam Staff'] },
    { text: 'Email pat@x.example or call 020 7946 0018, Mr Khan.', want: ['email', 'phone', 'titledName'] },
  ]
  for (const c of cases) {
    it(`${JSON.stringify(c.text)} → ${c.want.join(', ') || 'nothing'}`, () => {
      assert.deepEqual(findPersonalData(c.text, c.names ?? []), c.want, c.text)
    })
  }
})

describe('what a shared copy holds', () => {
  const entry: RegisterEntry = {
    id: '00000000-0000-4000-8000-000000000001', organisationId: '00000000-0000-4000-8000-000000000002',
    createdBy: '00000000-0000-4000-8000-000000000003', name: 'Call wrap-up', purpose: 'Summarises calls.', serviceArea: 'Customer services',
    owner: 'Priya Shah, Head of Customer Services', supplier: 'Acme AI', technique: 'LLM', personalData: true, specialCategoryData: false,
    decisionRole: 'assists', peopleAffected: 'Callers', humanOversight: 'Advisers check.', stage: 'live', riskTier: 'medium',
    nextReviewDate: '2027-01-01', version: 4, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
  }

  it('only the shareable fields and the tier: never the owner, proposer, ids, stage or dates', () => {
    const copy = shareableCopy(entry)
    assert.deepEqual(Object.keys(copy).sort(), [...SHARED_FIELDS, 'riskTier'].sort(), 'the keys')
    assert.ok(!JSON.stringify(copy).includes('Priya'), 'no owner')
    assert.ok(!JSON.stringify(copy).includes(entry.createdBy!), 'no proposer')
    assert.ok(!JSON.stringify(copy).includes(entry.organisationId), 'no organisation id')
  })

  it('names each field that still holds personal data, in form order', () => {
    const copy = shareableCopy({ ...entry, humanOversight: 'Checked by Mrs Jones.', purpose: 'Ask help@x.example', peopleAffected: 'Callers' })
    assert.deepEqual(personalDataIn(copy), [{ field: 'purpose', kinds: ['email'] }, { field: 'humanOversight', kinds: ['titledName'] }])
    assert.deepEqual(personalDataIn(shareableCopy(entry)), [], 'the clean entry passes')
  })
})

describe('the library filters', () => {
  it('searches by words, lower-case, at most ten', () => {
    assert.deepEqual(searchWords('  Rent, ARREARS  rent '), ['rent', 'arrears'])
    assert.equal(searchWords(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ')).length, 10)
    assert.deepEqual(searchWords(undefined), [])
  })
  it('refuses what is not a string or not on the lists', () => {
    assert.ok(!libraryFilters.safeParse({ q: ['a', 'b'] }).success, 'array')
    assert.ok(!libraryFilters.safeParse({ q: 'x'.repeat(201) }).success, 'too long')
    assert.ok(!libraryFilters.safeParse({ tier: 'extreme' }).success, 'tier')
    assert.ok(!libraryFilters.safeParse({ theme: 'nope' }).success, 'theme')
    assert.deepEqual(libraryFilters.parse({ q: '', tier: '', theme: '' }), { q: undefined, tier: undefined, theme: undefined })
  })
})
