// Why a set is needed (issue 8, item 3): the answers its appliesWhen rests on, from the engine.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appliesBecause, holdingAnswers, sameOutcome, evaluate } from './engine.ts'
import { loadQuestionSet } from './questionSet/load.ts'
import type { Condition } from './questionSet/schema.ts'
import { mergedAnswers, withKnownAnswers } from './service.ts'
import type { RegisterEntry } from '../register/model.ts'

describe('holdingAnswers', () => {
  const a = { x: true, y: 'b', z: ['p'] }
  const cases: [string, Condition, string[]][] = [
    ['a leaf that holds', { q: 'x', eq: true }, ['x']],
    ['a leaf that does not', { q: 'x', eq: false }, []],
    ['every part of an all', { all: [{ q: 'x', eq: true }, { q: 'y', eq: 'b' }] }, ['x', 'y']],
    ['only the parts of an any that hold', { any: [{ q: 'x', eq: false }, { q: 'z', includes: 'p' }] }, ['z']],
    ['the answered questions under a not', { not: { q: 'z', includes: 'q' } }, ['z']],
    ['nothing under a not of an unanswered question', { not: { q: 'w', eq: true } }, []],
    ['the parts of an atLeast that hold', { atLeast: 1, of: [{ q: 'x', eq: true }, { q: 'y', eq: 'c' }] }, ['x']],
  ]
  for (const [name, cond, expected] of cases) it(name, () => assert.deepEqual(holdingAnswers(cond, a), expected, name))
})

describe('appliesBecause', () => {
  it('procurement is needed because a supplier is involved, in the reader’s words', async () => {
    const set = await loadQuestionSet('content/assessments/procurement/v1.yaml')
    const security = await loadQuestionSet('content/assessments/security/v1.yaml')
    const lookup = (id: string) => security.sections.flatMap((s) => s.questions).find((q) => q.id === id)
    assert.deepEqual(appliesBecause(set, { supplier_involved: true }, lookup).map((r) => [r.questionId, r.valueText]), [['supplier_involved', 'Yes']])
    assert.ok(appliesBecause(set, { supplier_involved: true }, lookup)[0]!.text.startsWith('Is an outside supplier'), 'the question’s words')
    assert.deepEqual(appliesBecause(set, { supplier_involved: false }, lookup), [], 'not needed: no reason')
    const intake = await loadQuestionSet('content/assessments/intake/v1.yaml')
    assert.deepEqual(appliesBecause(intake, {}), [], 'a set needed for every entry has no reason to give')
  })
})

describe('the answers a save works from', () => {
  const entry = { personalData: true, specialCategoryData: false, decisionRole: 'informs', purpose: 'Summaries', humanOversight: 'Staff check',
    supplier: 'Acme' } as unknown as RegisterEntry
  it('the register entry’s fields count where nobody has answered', () => {
    const merged = mergedAnswers(entry, { personal_data: false })
    assert.equal(merged.personal_data, false, 'a given answer wins')
    assert.equal(merged.supplier_involved, true)
    assert.equal(merged.supplier_name, 'Acme')
  })
  it('a question left out keeps the entry’s answer; one sent blank is cleared', async () => {
    const set = await loadQuestionSet('content/assessments/screening/v1.yaml')
    const given = withKnownAnswers(set, { personal_data: 'yes', decision_role: '' }, { personal_data: false, decision_role: 'informs', monitoring: ['none'] })
    assert.equal(given.personal_data, 'yes')
    assert.equal(given.decision_role, '', 'blank on purpose stays blank')
    assert.deepEqual(given.monitoring, ['none'], 'left out: the entry’s answer')
  })
  it('sameOutcome ignores nothing that concludes: tier, flags, actions and fired rules', async () => {
    const set = await loadQuestionSet('content/assessments/screening/v1.yaml')
    const a = evaluate(set, { personal_data: true, monitoring: ['public_spaces'], people_scale: 'thousands' })
    const b = evaluate(set, { personal_data: true, monitoring: ['none'], people_scale: 'thousands' })
    assert.ok(sameOutcome(a, structuredClone(a)), 'equal to itself')
    assert.ok(!sameOutcome(a, b), 'public places watched or not concludes differently')
  })
})
