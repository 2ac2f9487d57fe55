import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { RISK_TIERS } from '../register/model.ts'
import type { RiskTier } from '../register/model.ts'
import {
  askedQuestions,
  evaluate,
  evaluateCondition,
  isAsked,
  missingRequired,
  parseAnswers,
  tierRank,
} from './engine.ts'
import type { AnswerValue, Answers } from './engine.ts'
import { allQuestions, loadQuestionSet, parseQuestionSet } from './questionSet.ts'
import type { Condition, Question, QuestionSet } from './questionSet.ts'

const screening = await loadQuestionSet('content/assessments/screening/v1.yaml')

/** A small set with one question of every kind, and a chain of conditions a → b → c. */
const everyKind = parseQuestionSet(
  `
id: every-kind
version: 1
title: Every kind
sections:
  - id: all
    title: All kinds
    questions:
      - { id: a, kind: yes_no, text: A?, frameworks: [{ name: Test, ref: "1" }] }
      - { id: b, kind: yes_no, text: B?, condition: { q: a, eq: true }, frameworks: [{ name: Test, ref: "1" }] }
      - { id: c, kind: text, text: C?, condition: { q: b, eq: true }, frameworks: [{ name: Test, ref: "1" }] }
      - id: colour
        kind: single
        text: Colour?
        options: [{ value: red, label: Red }, { value: blue, label: Blue }]
        frameworks: [{ name: Test, ref: "1" }]
      - id: pets
        kind: multiple
        text: Pets?
        options: [{ value: cat, label: Cat }, { value: dog, label: Dog }, { value: none, label: No pets, exclusive: true }]
        frameworks: [{ name: Test, ref: "1" }]
      - { id: notes, kind: long_text, text: Notes?, required: false, frameworks: [{ name: Test, ref: "1" }] }
      - { id: count, kind: number, text: How many?, frameworks: [{ name: Test, ref: "1" }] }
      - { id: when, kind: date, text: When?, frameworks: [{ name: Test, ref: "1" }] }
      - { id: confidence, kind: scale, text: How sure?, frameworks: [{ name: Test, ref: "1" }] }
`,
  'test/every-kind.yaml',
)

// A screening with nothing of note: no personal data, informs only, none of the listed uses.
const quiet: Answers = {
  personal_data: false,
  decision_role: 'informs',
  prohibited_practices: ['none'],
  annex_iii_areas: ['none'],
  public_facing: ['none'],
  equality_impact: 'no',
}
// Personal data is used, but every follow-up question is answered "no" or "small".
const personal: Answers = {
  ...quiet,
  personal_data: true,
  special_category: false,
  people_scale: 'under_100',
  data_matching: false,
  invisible_processing: false,
  biometric_identification: false,
  monitoring: ['none'],
  profiling: false,
  vulnerable_people: false,
}

interface Case {
  name: string
  answers: Answers
  tier: RiskTier
  flags: string[]
  fired: string[]
}

const cases: Case[] = [
  { name: 'a staff-only tool with no personal data is low risk', answers: quiet, tier: 'low', flags: [], fired: [] },
  {
    name: 'personal data with no high-risk factor: medium, DPIA recommended only',
    answers: personal,
    tier: 'medium',
    flags: ['dpia_recommended'],
    fired: ['uses_personal_data', 'dpia_recommended'],
  },
  {
    name: 'any banned practice makes the use prohibited',
    answers: { ...quiet, prohibited_practices: ['social_scoring'] },
    tier: 'prohibited',
    flags: ['prohibited_practice'],
    fired: ['prohibited_practice'],
  },
  {
    name: 'an Annex III area without the narrow-task exemption is high risk',
    answers: { ...quiet, annex_iii_areas: ['critical_infrastructure'], narrow_procedural_task: false },
    tier: 'high',
    flags: ['eu_high_risk'],
    fired: ['eu_annex_iii_high_risk'],
  },
  {
    name: 'an Annex III area with only a narrow procedural task and no profiling is medium',
    answers: { ...quiet, annex_iii_areas: ['benefits_and_services'], narrow_procedural_task: true },
    tier: 'medium',
    flags: [],
    fired: ['eu_annex_iii_narrow_task'],
  },
  {
    name: 'profiling rules out the narrow-task exemption (Art 6(3))',
    answers: { ...personal, annex_iii_areas: ['education'], narrow_procedural_task: true, profiling: true },
    tier: 'high',
    flags: ['eu_high_risk', 'dpia_required', 'eqia_required'],
    fired: ['eu_annex_iii_high_risk', 'uses_personal_data', 'dpia_innovative_technology', 'eqia_decisions_about_people'],
  },
  {
    name: 'solely automated significant decisions on personal data need Article 22 safeguards',
    answers: { ...personal, decision_role: 'automates', significant_effect: true },
    tier: 'high',
    flags: ['dpia_required', 'article22_safeguards', 'eqia_required'],
    fired: [
      'automated_significant_decision',
      'article22_solely_automated',
      'automates_decisions',
      'uses_personal_data',
      'dpia_evaluation_with_significant_effect',
      'dpia_denial_of_service',
      'dpia_innovative_technology',
      'eqia_decisions_about_people',
    ],
  },
  {
    name: 'automated significant decisions are high risk even without personal data',
    answers: { ...quiet, decision_role: 'automates', significant_effect: true },
    tier: 'high',
    flags: ['eqia_required'],
    fired: ['automated_significant_decision', 'automates_decisions', 'eqia_decisions_about_people'],
  },
  {
    name: 'automating decisions without a significant effect is medium',
    answers: { ...quiet, decision_role: 'automates', significant_effect: false },
    tier: 'medium',
    flags: ['eqia_required'],
    fired: ['automates_decisions', 'eqia_decisions_about_people'],
  },
  {
    name: 'sensitive data at large scale is high risk and needs a DPIA (Art 35(3)(b))',
    answers: { ...personal, special_category: true, people_scale: 'thousands' },
    tier: 'high',
    flags: ['dpia_required'],
    fired: ['uses_personal_data', 'special_category_large_scale', 'dpia_innovative_technology'],
  },
  {
    name: 'biometric identification at large scale counts as sensitive data at large scale',
    answers: { ...personal, biometric_identification: true, people_scale: 'tens_of_thousands_or_more' },
    tier: 'high',
    flags: ['dpia_required'],
    fired: ['uses_personal_data', 'special_category_large_scale', 'dpia_innovative_technology'],
  },
  {
    name: 'innovative technology: AI plus one WP248 criterion (large scale alone) needs a DPIA',
    answers: { ...personal, people_scale: 'thousands' },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['uses_personal_data', 'dpia_innovative_technology'],
  },
  {
    name: 'innovative technology: AI plus sensitive data on a few people needs a DPIA',
    answers: { ...personal, special_category: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['uses_personal_data', 'dpia_innovative_technology'],
  },
  {
    name: 'watching public places at large scale needs a DPIA (Art 35(3)(c))',
    answers: { ...personal, monitoring: ['public_spaces'], people_scale: 'thousands' },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['uses_personal_data', 'dpia_public_monitoring_large_scale', 'dpia_innovative_technology'],
  },
  {
    name: 'tracking people needs a DPIA',
    answers: { ...personal, monitoring: ['behaviour_tracking'] },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['uses_personal_data', 'dpia_tracking', 'dpia_innovative_technology'],
  },
  {
    name: 'data matching needs a DPIA',
    answers: { ...personal, data_matching: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['uses_personal_data', 'dpia_data_matching', 'dpia_innovative_technology'],
  },
  {
    name: 'invisible processing needs a DPIA on its own (it is not a WP248 criterion)',
    answers: { ...personal, invisible_processing: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['uses_personal_data', 'dpia_invisible_processing'],
  },
  {
    name: 'large-scale profiling needs a DPIA',
    answers: { ...personal, profiling: true, people_scale: 'tens_of_thousands_or_more' },
    tier: 'medium',
    flags: ['dpia_required', 'eqia_required'],
    fired: ['uses_personal_data', 'dpia_large_scale_profiling', 'dpia_innovative_technology', 'eqia_decisions_about_people'],
  },
  {
    name: 'profiling children or vulnerable people needs a DPIA',
    answers: { ...personal, vulnerable_people: true, profiling: true },
    tier: 'medium',
    flags: ['dpia_required', 'eqia_required'],
    fired: ['uses_personal_data', 'dpia_vulnerable_targeting', 'dpia_innovative_technology', 'eqia_decisions_about_people'],
  },
  {
    name: 'helping staff decide access to a service is "denial of service" for the ICO',
    answers: { ...personal, decision_role: 'assists', significant_effect: true },
    tier: 'medium',
    flags: ['dpia_required', 'eqia_required'],
    fired: ['assists_decisions', 'uses_personal_data', 'dpia_denial_of_service', 'dpia_innovative_technology', 'eqia_decisions_about_people'],
  },
  {
    name: 'a chatbot for the public needs a transparency notice',
    answers: { ...quiet, public_facing: ['direct_interaction'] },
    tier: 'medium',
    flags: ['transparency_notice'],
    fired: ['eu_transparency'],
  },
  {
    name: 'unsure whether outcomes differ by protected characteristic: equality assessment needed',
    answers: { ...quiet, equality_impact: 'not_sure' },
    tier: 'medium',
    flags: ['eqia_required'],
    fired: ['eqia_possible_differential_outcomes'],
  },
  {
    name: 'answers to questions that are not asked are ignored by the rules',
    answers: { ...quiet, special_category: true, people_scale: 'thousands', narrow_procedural_task: true, significant_effect: true },
    tier: 'low',
    flags: [],
    fired: [],
  },
]

const sorted = (xs: readonly string[]) => [...xs].sort()

describe('evaluate (screening v1)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const outcome = evaluate(screening, c.answers)
      assert.equal(outcome.tier, c.tier)
      assert.deepEqual(sorted(outcome.flags.map((f) => f.id)), sorted(c.flags))
      assert.deepEqual(sorted(outcome.firedRules.map((r) => r.id)), sorted(c.fired))
    })
  }

  it('every rule in the set is fired by at least one case above', () => {
    const covered = new Set(cases.flatMap((c) => c.fired))
    const uncovered = screening.rules.map((r) => r.id).filter((id) => !covered.has(id))
    assert.deepEqual(uncovered, [])
  })

  it('every case names only rules that exist, so a removed rule fails the table', () => {
    const ruleIds = new Set(screening.rules.map((r) => r.id))
    for (const c of cases) for (const id of c.fired) assert.ok(ruleIds.has(id), `${c.name}: no rule "${id}"`)
  })

  it('lists MUST before SHOULD before COULD, each action once, with its reason and source', () => {
    const outcome = evaluate(screening, { ...personal, decision_role: 'automates', significant_effect: true, data_matching: true })
    const levels = outcome.actions.map((a) => a.level)
    assert.deepEqual(levels, [...levels].sort((a, b) => ['MUST', 'SHOULD', 'COULD'].indexOf(a) - ['MUST', 'SHOULD', 'COULD'].indexOf(b)))
    const texts = outcome.actions.map((a) => a.text)
    assert.equal(new Set(texts).size, texts.length)
    assert.equal(texts.filter((t) => t.startsWith('Complete a full data protection impact assessment')).length, 1)
    for (const action of outcome.actions) {
      const rule = screening.rules.find((r) => r.id === action.ruleId)
      assert.ok(rule, action.ruleId)
      assert.equal(action.reason, rule.reason)
      assert.equal(action.source, rule.source)
    }
  })

  it('gives every raised flag its label and the reason of each rule that raised it', () => {
    const outcome = evaluate(screening, { ...personal, data_matching: true })
    const dpia = outcome.flags.find((f) => f.id === 'dpia_required')
    assert.ok(dpia)
    assert.equal(dpia.label, screening.flags.find((f) => f.id === 'dpia_required')?.label)
    const expected = screening.rules.filter((r) => ['dpia_data_matching', 'dpia_innovative_technology'].includes(r.id)).map((r) => r.reason)
    assert.deepEqual(dpia.reasons, expected)
  })

  it('reports the tier of each fired rule that sets one', () => {
    const outcome = evaluate(screening, { ...quiet, prohibited_practices: ['offending_prediction'] })
    assert.deepEqual(
      outcome.firedRules.map((r) => [r.id, r.tier]),
      [['prohibited_practice', 'prohibited']],
    )
    assert.equal(evaluate(screening, { ...personal, data_matching: true }).firedRules.find((r) => r.id === 'dpia_data_matching')?.tier, undefined)
  })
})

describe('evaluateCondition', () => {
  const answers: Answers = { yes: true, no: false, colour: 'red', pets: ['cat', 'dog'], one: 'cat', n: 3, empty: '', none: [] }
  const table: [string, Condition, boolean][] = [
    ['eq matches a boolean', { q: 'yes', eq: true }, true],
    ['eq does not match a different boolean', { q: 'no', eq: true }, false],
    ['eq on a missing answer is false', { q: 'missing', eq: false }, false],
    ['eq matches a number', { q: 'n', eq: 3 }, true],
    ['in matches one of the values', { q: 'colour', in: ['blue', 'red'] }, true],
    ['in does not match other values', { q: 'colour', in: ['blue'] }, false],
    ['in never matches a list answer', { q: 'pets', in: ['cat'] }, false],
    ['includes finds a value in a list', { q: 'pets', includes: 'dog' }, true],
    ['includes is false when absent', { q: 'pets', includes: 'fish' }, false],
    ['includes treats a single string as a list of one', { q: 'one', includes: 'cat' }, true],
    ['includesAny finds any of the values', { q: 'pets', includesAny: ['fish', 'cat'] }, true],
    ['includesAny is false when none match', { q: 'pets', includesAny: ['fish'] }, false],
    ['answered: true for a given answer', { q: 'no', answered: true }, true],
    ['answered: false for an empty string', { q: 'empty', answered: false }, true],
    ['answered: false for an empty list', { q: 'none', answered: false }, true],
    ['answered: false for a missing answer', { q: 'missing', answered: false }, true],
    ['gte on a number', { q: 'n', gte: 3 }, true],
    ['gte above the number', { q: 'n', gte: 4 }, false],
    ['lte on a number', { q: 'n', lte: 3 }, true],
    ['gte on a non-number is false', { q: 'colour', gte: 0 }, false],
    ['all needs every part', { all: [{ q: 'yes', eq: true }, { q: 'no', eq: true }] }, false],
    ['any needs one part', { any: [{ q: 'yes', eq: false }, { q: 'no', eq: false }] }, true],
    ['not inverts', { not: { q: 'yes', eq: true } }, false],
    ['not of a missing answer is true', { not: { q: 'missing', eq: true } }, true],
    ['atLeast 2 of 3 with two true', { atLeast: 2, of: [{ q: 'yes', eq: true }, { q: 'no', eq: false }, { q: 'n', eq: 1 }] }, true],
    ['atLeast 2 of 3 with one true', { atLeast: 2, of: [{ q: 'yes', eq: true }, { q: 'no', eq: true }, { q: 'n', eq: 1 }] }, false],
  ]
  for (const [name, cond, expected] of table) {
    it(name, () => assert.equal(evaluateCondition(cond, answers), expected))
  }

  it('does not read inherited properties as answers', () => {
    assert.equal(evaluateCondition({ q: 'constructor', answered: true }, {}), false)
  })
})

describe('isAsked and askedQuestions', () => {
  it('asks unconditional questions whatever the answers', () => {
    assert.equal(isAsked(screening, 'personal_data', {}), true)
  })
  it('asks follow-up questions only when their condition holds', () => {
    assert.equal(isAsked(screening, 'special_category', {}), false)
    assert.equal(isAsked(screening, 'special_category', { personal_data: false }), false)
    assert.equal(isAsked(screening, 'special_category', { personal_data: true }), true)
    assert.equal(isAsked(screening, 'narrow_procedural_task', { annex_iii_areas: ['none'] }), false)
    assert.equal(isAsked(screening, 'narrow_procedural_task', { annex_iii_areas: ['employment'] }), true)
  })
  it('does not let a stale answer to an unasked question switch on a later one', () => {
    assert.equal(isAsked(everyKind, 'c', { a: false, b: true }), false)
    assert.equal(isAsked(everyKind, 'c', { a: true, b: true }), true)
    assert.deepEqual(
      askedQuestions(everyKind, { a: false, b: true }).map((q) => q.id),
      ['a', 'colour', 'pets', 'notes', 'count', 'when', 'confidence'],
    )
  })
  it('throws for a question that is not in the set', () => {
    assert.throws(() => isAsked(screening, 'no_such_question', {}), /no question "no_such_question"/)
  })
})

describe('parseAnswers', () => {
  const ok: [string, string, unknown, AnswerValue][] = [
    ['yes_no from "yes"', 'a', 'yes', true],
    ['yes_no from "No" with spaces', 'a', ' No ', false],
    ['yes_no from a JSON boolean', 'a', false, false],
    ['single from a form string', 'colour', 'blue', 'blue'],
    ['multiple from one form string', 'pets', 'dog', ['dog']],
    ['multiple from a list, in option order and without repeats', 'pets', ['dog', 'cat', 'dog'], ['cat', 'dog']],
    ['the exclusive option on its own', 'pets', ['none'], ['none']],
    ['long text, trimmed', 'notes', '  some notes \n', 'some notes'],
    ['number with thousands separators', 'count', '1,200', 1200],
    ['negative decimal number', 'count', '-2.5', -2.5],
    ['number from JSON', 'count', 7, 7],
    ['a real date', 'when', '2024-02-29', '2024-02-29'],
    ['scale from a form string', 'confidence', '0', 0],
    ['scale from JSON', 'confidence', 5, 5],
  ]
  for (const [name, id, raw, expected] of ok) {
    it(`accepts ${name}`, () => {
      const { answers, errors } = parseAnswers(everyKind, { [id]: raw })
      assert.deepEqual(errors, {})
      assert.deepEqual(answers[id], expected)
    })
  }

  const bad: [string, string, unknown, string][] = [
    ['yes_no that is neither', 'a', 'maybe', 'Select yes or no'],
    ['yes_no given a number', 'a', 1, 'Select yes or no'],
    ['single not among the options', 'colour', 'green', 'Select one of the options'],
    ['single given a list', 'colour', ['red', 'blue'], 'Select one of the options'],
    ['multiple with an unknown value', 'pets', ['cat', 'fish'], 'Select from the options shown'],
    ['multiple with a non-string', 'pets', [1], 'Select from the options shown'],
    ['multiple with the exclusive option and another', 'pets', ['none', 'cat'], 'Select "No pets" or other options, not both'],
    ['number that is not a number', 'count', 'twelve', 'Enter a number'],
    ['number that is not finite', 'count', Infinity, 'Enter a number'],
    ['scale above 5', 'confidence', '6', 'Enter a whole number from 0 to 5'],
    ['scale with a fraction', 'confidence', '2.5', 'Enter a whole number from 0 to 5'],
    ['scale below 0', 'confidence', -1, 'Enter a whole number from 0 to 5'],
    ['date in another format', 'when', '29/02/2024', 'Enter a date in the format YYYY-MM-DD'],
    ['date that does not exist', 'when', '2023-02-29', 'Enter a real date'],
    ['long text that is not text', 'notes', { x: 1 }, 'Enter your answer as text'],
    ['long text that is too long', 'notes', 'x'.repeat(20001), 'Answer must be 20,000 characters or fewer'],
  ]
  for (const [name, id, raw, message] of bad) {
    it(`rejects ${name}`, () => {
      const { answers, errors } = parseAnswers(everyKind, { [id]: raw })
      assert.deepEqual(errors, { [id]: message })
      assert.equal(answers[id], undefined)
    })
  }

  it('treats blank and missing answers as unanswered, not as errors', () => {
    const { answers, errors } = parseAnswers(everyKind, { a: '', colour: '  ', pets: [], count: '', when: undefined, notes: null })
    assert.deepEqual(errors, {})
    assert.deepEqual(answers, {})
  })

  it('ignores unknown keys, including inherited property names', () => {
    const { answers, errors } = parseAnswers(everyKind, { _csrf: 'x', constructor: 'yes', a: 'yes' })
    assert.deepEqual(errors, {})
    assert.deepEqual(answers, { a: true })
  })

  it('drops answers and errors for questions that are not asked', () => {
    const { answers, errors } = parseAnswers(everyKind, { a: 'no', b: 'yes', c: 'text' })
    assert.deepEqual(answers, { a: false })
    assert.deepEqual(errors, {})
    const invalidHidden = parseAnswers(everyKind, { a: 'no', b: 'nonsense' })
    assert.deepEqual(invalidHidden.errors, {})
  })

  it('keeps answers to follow-up questions that are asked', () => {
    const { answers, errors } = parseAnswers(screening, { personal_data: 'yes', special_category: 'no', monitoring: 'none' })
    assert.deepEqual(errors, {})
    assert.deepEqual(answers, { personal_data: true, special_category: false, monitoring: ['none'] })
  })
})

describe('missingRequired', () => {
  it('lists unanswered required questions that are asked, in order', () => {
    assert.deepEqual(missingRequired(screening, {}), [
      'personal_data',
      'decision_role',
      'prohibited_practices',
      'annex_iii_areas',
      'public_facing',
      'equality_impact',
    ])
  })
  it('adds follow-up questions once their condition holds', () => {
    assert.deepEqual(missingRequired(screening, { ...quiet, personal_data: true, annex_iii_areas: ['employment'] }), [
      'special_category',
      'people_scale',
      'data_matching',
      'invisible_processing',
      'biometric_identification',
      'monitoring',
      'profiling',
      'vulnerable_people',
      'narrow_procedural_task',
    ])
  })
  it('is empty for a complete screening', () => {
    assert.deepEqual(missingRequired(screening, personal), [])
    assert.deepEqual(missingRequired(screening, quiet), [])
  })
  it('skips optional questions and counts empty answers as missing', () => {
    assert.deepEqual(missingRequired(everyKind, { a: false, colour: '', pets: [], count: 1, when: '2025-01-01', confidence: 3 }), [
      'colour',
      'pets',
    ])
  })
})

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** A valid answer for the question, as the engine stores it. */
function validAnswer(q: Question): fc.Arbitrary<AnswerValue> {
  const options = q.options ?? []
  switch (q.kind) {
    case 'yes_no':
      return fc.boolean()
    case 'single':
      return fc.constantFrom(...options.map((o) => o.value))
    case 'multiple': {
      const plain = options.filter((o) => !o.exclusive).map((o) => o.value)
      const exclusive = options.filter((o) => o.exclusive).map((o) => [o.value])
      const some = fc.subarray(plain, { minLength: 1 }).filter((xs) => xs.length > 0)
      return exclusive.length ? fc.oneof(some, fc.constantFrom(...exclusive)) : some
    }
    case 'text':
    case 'long_text':
      return fc.string({ minLength: 1 }).map((s) => s.trim()).filter((s) => s !== '')
    case 'number':
      return fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 100)
    case 'scale':
      return fc.integer({ min: 0, max: 5 })
    case 'date':
      return fc
        .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10))
  }
}

/** Answers to any subset of the questions, each valid for its question. */
function answersFor(set: QuestionSet, allRequired = false): fc.Arbitrary<Answers> {
  const model = Object.fromEntries(allQuestions(set).map((q) => [q.id, validAnswer(q)]))
  return allRequired ? fc.record(model) : fc.record(model, { requiredKeys: [] })
}

/** How an HTML form would send the answer. */
function asFormValue(value: AnswerValue): string | string[] {
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'number') return String(value)
  return value
}

describe('properties', () => {
  it('any valid answers evaluate to a known tier, consistent with the flags', () => {
    const declared = new Set(screening.flags.map((f) => f.id))
    fc.assert(
      fc.property(answersFor(screening), (answers) => {
        const outcome = evaluate(screening, answers)
        assert.ok(RISK_TIERS.includes(outcome.tier))
        for (const rule of outcome.firedRules) if (rule.tier) assert.ok(tierRank(rule.tier) <= tierRank(outcome.tier))
        for (const flag of outcome.flags) assert.ok(declared.has(flag.id))
        const flags = new Set(outcome.flags.map((f) => f.id))
        assert.equal(outcome.tier === 'prohibited', flags.has('prohibited_practice'))
      }),
      { numRuns: 500 },
    )
  })

  it('with personal data exactly one of dpia_required and dpia_recommended is raised; without it, neither', () => {
    fc.assert(
      fc.property(answersFor(screening), (answers) => {
        const flags = new Set(evaluate(screening, answers).flags.map((f) => f.id))
        const count = Number(flags.has('dpia_required')) + Number(flags.has('dpia_recommended'))
        assert.equal(count, answers.personal_data === true ? 1 : 0)
      }),
      { numRuns: 500 },
    )
  })

  it('form strings of valid answers parse back to the same answers', () => {
    for (const set of [screening, everyKind]) {
      fc.assert(
        fc.property(answersFor(set), (answers) => {
          const form = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v === undefined ? v : asFormValue(v)]))
          const parsed = parseAnswers(set, form)
          assert.deepEqual(parsed.errors, {})
          const asked = new Set(askedQuestions(set, answers).map((q) => q.id))
          const expected = Object.fromEntries(Object.entries(answers).filter(([k]) => asked.has(k)))
          assert.deepEqual(parsed.answers, expected)
        }),
        { numRuns: 300 },
      )
    }
  })

  it('complete valid answers leave nothing missing', () => {
    fc.assert(
      fc.property(answersFor(screening, true), (answers) => {
        assert.deepEqual(missingRequired(screening, answers), [])
      }),
    )
  })

  it('parseAnswers never throws on arbitrary input and only keeps asked questions', () => {
    const ids = allQuestions(everyKind).map((q) => q.id)
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...ids), fc.string()), fc.anything()), (raw) => {
        const { answers, errors } = parseAnswers(everyKind, raw)
        const asked = new Set(askedQuestions(everyKind, answers).map((q) => q.id))
        for (const id of [...Object.keys(answers), ...Object.keys(errors)]) assert.ok(asked.has(id), id)
        for (const message of Object.values(errors)) assert.equal(typeof message, 'string')
      }),
      { numRuns: 300 },
    )
  })
})
