import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { RISK_TIERS } from '../register/model.ts'
import type { RiskTier } from '../register/model.ts'
import {
  askedQuestions,
  atrsFieldsFromAnswers,
  evaluate,
  evaluateCondition,
  isAsked,
  missingRequired,
  parseAnswers,
  setApplies,
  tierRank,
} from './engine.ts'
import type { AnswerValue, Answers, FieldValue, GroupItem } from './engine.ts'
import { answersFromBody } from './forms.ts'
import { loadQuestionSet, loadQuestionSets, parseQuestionSet } from './questionSet/load.ts'
import { allQuestions } from './questionSet/schema.ts'
import type { Condition, GroupField, Question, QuestionSet } from './questionSet/schema.ts'

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

  // Each message names the question in its own words (and, for lengths and ranges, the limit).
  const bad: [string, string, unknown, string][] = [
    ['yes_no that is neither', 'a', 'maybe', 'Select yes or no for ‘A?’'],
    ['yes_no given a number', 'a', 1, 'Select yes or no for ‘A?’'],
    ['single not among the options', 'colour', 'green', 'Select one of the options for ‘Colour?’'],
    ['single given a list', 'colour', ['red', 'blue'], 'Select one of the options for ‘Colour?’'],
    ['multiple with an unknown value', 'pets', ['cat', 'fish'], 'Select from the options shown for ‘Pets?’'],
    ['multiple with a non-string', 'pets', [1], 'Select from the options shown for ‘Pets?’'],
    ['multiple with the exclusive option and another', 'pets', ['none', 'cat'], 'For ‘Pets?’, select either “No pets” or “Cat”, not both'],
    ['number that is not a number', 'count', 'twelve', 'Enter a number for ‘How many?’'],
    ['number that is not finite', 'count', Infinity, 'Enter a number for ‘How many?’'],
    ['scale above 5', 'confidence', '6', 'Enter a whole number from 0 to 5 for ‘How sure?’'],
    ['scale with a fraction', 'confidence', '2.5', 'Enter a whole number from 0 to 5 for ‘How sure?’'],
    ['scale below 0', 'confidence', -1, 'Enter a whole number from 0 to 5 for ‘How sure?’'],
    ['date in another format', 'when', '29/02/2024', 'Enter ‘When?’ as a date in the format YYYY-MM-DD'],
    ['date that does not exist', 'when', '2023-02-29', '‘When?’ must be a real date'],
    ['long text that is not text', 'notes', { x: 1 }, 'Enter your answer to ‘Notes?’ as text'],
    ['long text that is too long', 'notes', 'x'.repeat(20001), '‘Notes?’ must be 20,000 characters or fewer'],
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
// Repeating groups
// ---------------------------------------------------------------------------------------------

const withGroup = parseQuestionSet(
  `
id: with-group
version: 1
title: With a group
sections:
  - id: main
    title: Main
    questions:
      - { id: uses_data, kind: yes_no, text: Data?, frameworks: [{ name: Test, ref: "1" }] }
      - id: risks
        kind: group
        text: Risks
        itemLabel: Risk
        minItems: 2
        maxItems: 3
        atrs: risks_and_mitigations
        frameworks: [{ name: Test, ref: "1" }]
        fields:
          - { id: name, kind: text, text: Name }
          - id: level
            kind: single
            text: Level
            options: [{ value: low, label: Low }, { value: high, label: High }]
          - { id: mitigated, kind: yes_no, text: Mitigated, required: false }
          - id: areas
            kind: multiple
            text: Areas
            required: false
            options: [{ value: data, label: Data }, { value: staff, label: Staff }]
          - { id: score, kind: scale, text: Score, required: false }
      - id: follow_up
        kind: text
        text: Why so many high risks?
        condition: { q: risks, count: { gte: 2 } }
        frameworks: [{ name: Test, ref: "1" }]
      - id: mitigation_plan
        kind: long_text
        text: Plan
        condition: { q: risks, anyItem: { all: [{ q: level, eq: high }, { not: { q: mitigated, eq: true } }] } }
        atrs: risks_and_mitigations
        frameworks: [{ name: Test, ref: "1" }]
flags:
  - { id: unmitigated_high, label: High risk not mitigated }
rules:
  - id: unmitigated_high
    when: { q: risks, anyItem: { all: [{ q: level, eq: high }, { not: { q: mitigated, eq: true } }] } }
    tier: high
    flags: [unmitigated_high]
    reason: A high risk is not mitigated.
    source: Test
  - id: few_risks
    when: { q: risks, count: { lte: 2 } }
    actions: [{ level: COULD, text: Look for more risks. }]
    reason: Few risks listed.
    source: Test
`,
  'test/with-group.yaml',
)

describe('repeating groups', () => {
  it('parses form rows (strings), dropping the blank "add another" row and renumbering', () => {
    const { answers, errors } = parseAnswers(withGroup, {
      risks: [
        { name: ' Drift ', level: 'high', mitigated: 'no', areas: ['data', 'staff'], score: '4' },
        { name: '', level: '', areas: [] },
        { name: 'Bias', level: 'low' },
      ],
    })
    assert.deepEqual(errors, {})
    assert.deepEqual(answers.risks, [
      { name: 'Drift', level: 'high', mitigated: false, areas: ['data', 'staff'], score: 4 },
      { name: 'Bias', level: 'low' },
    ])
  })

  it('parses a JSON list with typed values', () => {
    const { answers, errors } = parseAnswers(withGroup, {
      risks: [{ name: 'Drift', level: 'high', mitigated: true, score: 0 }, { name: 'Bias', level: 'low', extra: 'ignored' }],
    })
    assert.deepEqual(errors, {})
    assert.deepEqual(answers.risks, [{ name: 'Drift', level: 'high', mitigated: true, score: 0 }, { name: 'Bias', level: 'low' }])
  })

  it('keys field errors <group>.<index>.<field> by the row as sent, and leaves the group out of the answers', () => {
    const { answers, errors } = parseAnswers(withGroup, {
      risks: [{ name: 'Drift', level: 'severe' }, {}, { level: 'low', score: '9' }],
    })
    assert.deepEqual(errors, {
      'risks.0.level': 'Select one of the options for ‘Level (Risk 1)’',
      'risks.2.name': 'Enter "Name" for Risk 3',
      'risks.2.score': 'Enter a whole number from 0 to 5 for ‘Score (Risk 3)’',
    })
    assert.equal(answers.risks, undefined)
  })

  it('asks to select an empty required choice field', () => {
    const { errors } = parseAnswers(withGroup, { risks: [{ name: 'A' }, { name: 'B', level: 'low' }] })
    assert.deepEqual(errors, { 'risks.0.level': 'Select "Level" for Risk 1' })
  })

  it('checks minItems and maxItems against the rows that are kept', () => {
    const row = { name: 'A', level: 'low' }
    assert.deepEqual(parseAnswers(withGroup, { risks: [row, {}] }).errors, { risks: 'Enter at least 2 of "Risk"' })
    assert.deepEqual(parseAnswers(withGroup, { risks: [row, row, row, row] }).errors, { risks: 'Enter 3 or fewer of "Risk"' })
    assert.deepEqual(parseAnswers(withGroup, { risks: [{}, {}] }), { answers: {}, errors: {} })
  })

  it('rejects a group that is not a list of rows', () => {
    assert.deepEqual(parseAnswers(withGroup, { risks: 'Drift' }).errors, { risks: 'Enter each risk in the rows shown' })
    assert.deepEqual(parseAnswers(withGroup, { risks: ['Drift'] }).errors, { 'risks.0': 'Enter Risk 1 in the rows shown' })
  })

  it('the form collects q_<group>__<index>__<field> into rows, in index order (answersFromBody, as the routes use it)', () => {
    const body = {
      q_risks__10__name: 'C', q_risks__2__name: 'B', q_risks__2__level: 'low', q_risks__0__areas: ['data'], q_other__0__name: 'x',
      q_risks__x__name: 'bad', q_uses_data: 'yes', _csrf: 'token', intent: 'save',
    }
    const raw = answersFromBody(body)
    assert.deepEqual(raw.risks, [{ areas: ['data'] }, { name: 'B', level: 'low' }, { name: 'C' }])
    assert.deepEqual(raw.other, [{ name: 'x' }])
    assert.equal(raw.uses_data, 'yes')
    assert.ok(!('_csrf' in raw) && !('intent' in raw))
    assert.equal(Object.getPrototypeOf(raw), null)
    assert.deepEqual({ ...answersFromBody({ _csrf: 'x' }) }, {})
    // And parseAnswers takes the rows as they come: the blank row is dropped, the rest renumbered.
    const { answers, errors } = parseAnswers(withGroup, answersFromBody({
      q_risks__0__name: 'Drift', q_risks__0__level: 'high', q_risks__1__name: '', q_risks__2__name: 'Bias', q_risks__2__level: 'low',
    }))
    assert.deepEqual(errors, {})
    assert.deepEqual(answers.risks, [{ name: 'Drift', level: 'high' }, { name: 'Bias', level: 'low' }])
  })

  it('a required group needs max(1, minItems) items', () => {
    const one: GroupItem[] = [{ name: 'A', level: 'low' }]
    assert.deepEqual(missingRequired(withGroup, { uses_data: true, risks: one }), ['risks'])
    assert.deepEqual(missingRequired(withGroup, { uses_data: true, risks: [...one, ...one], follow_up: 'x', mitigation_plan: 'y' }), [])
    assert.deepEqual(missingRequired(everyKind, {}).includes('notes'), false)
  })

  it('evaluates anyItem over the fields of each item, and count over the items', () => {
    const risks: GroupItem[] = [{ name: 'A', level: 'low' }, { name: 'B', level: 'high', mitigated: true }]
    const table: [Condition, Answers, boolean][] = [
      [{ q: 'risks', anyItem: { q: 'level', eq: 'high' } }, { risks }, true],
      [{ q: 'risks', anyItem: { all: [{ q: 'level', eq: 'high' }, { not: { q: 'mitigated', eq: true } }] } }, { risks }, false],
      [{ q: 'risks', anyItem: { q: 'level', eq: 'low' } }, {}, false],
      [{ q: 'risks', anyItem: { q: 'level', eq: 'low' } }, { risks: 'not a list' }, false],
      [{ q: 'risks', count: { gte: 2 } }, { risks }, true],
      [{ q: 'risks', count: { gte: 3 } }, { risks }, false],
      [{ q: 'risks', count: { lte: 0 } }, {}, true],
      [{ q: 'risks', count: { gte: 1, lte: 2 } }, { risks }, true],
      [{ q: 'risks', answered: true }, { risks }, true],
      [{ q: 'risks', answered: true }, { risks: [] }, false],
    ]
    for (const [cond, answers, expected] of table) assert.equal(evaluateCondition(cond, answers), expected, JSON.stringify(cond))
  })

  it('asks follow-up questions and fires rules from group answers', () => {
    const risks: GroupItem[] = [{ name: 'A', level: 'low' }, { name: 'B', level: 'high', mitigated: false }]
    assert.deepEqual(askedQuestions(withGroup, { risks }).map((x) => x.id), ['uses_data', 'risks', 'follow_up', 'mitigation_plan'])
    assert.deepEqual(askedQuestions(withGroup, { risks: risks.slice(0, 1) }).map((x) => x.id), ['uses_data', 'risks'])
    const outcome = evaluate(withGroup, { risks })
    assert.equal(outcome.tier, 'high')
    assert.deepEqual(outcome.firedRules.map((r) => r.id), ['unmitigated_high', 'few_risks'])
  })
})

describe('setApplies', () => {
  const applying = (appliesWhen?: Condition): QuestionSet => ({ ...withGroup, ...(appliesWhen ? { appliesWhen } : {}) })
  it('is true without appliesWhen, and otherwise follows the condition', () => {
    assert.equal(setApplies(applying(), {}), true)
    assert.equal(setApplies(applying({ q: 'personal_data', eq: true }), { personal_data: true }), true)
    assert.equal(setApplies(applying({ q: 'personal_data', eq: true }), { personal_data: false }), false)
    assert.equal(setApplies(applying({ q: 'personal_data', eq: true }), {}), false)
  })
})

describe('atrsFieldsFromAnswers', () => {
  it('gives readable text per ATRS key: labels, Yes/No, one line per group item, joined when several questions feed a key', async () => {
    const intake = await loadQuestionSet('content/assessments/intake/v1.yaml')
    const fields = atrsFieldsFromAnswers(intake, {
      purpose: 'Summarises housing case notes.',
      lifecycle_phase: 'pilot',
      technique: ['llm_generative', 'rules'],
      usage_frequency: 'daily',
      personal_data: true,
      people_scale: 'thousands',
      datasets: [{ name: 'Case notes', source: 'council', contains_personal_data: true }, { name: 'Policies', source: 'public', contains_personal_data: false }],
      decision_role: 'assists',
      supplier_involved: false,
      supplier_name: 'Not asked Ltd',
    })
    assert.deepEqual(fields, {
      description: 'Summarises housing case notes.',
      phase: 'Being piloted or trialled',
      system_architecture: 'Generative AI, such as a large language model, chatbot or image generator; Fixed rules or decision trees written by people',
      frequency_and_scale_of_usage: 'Most days\n\n1,000 to 9,999',
      datasets:
        'Name of the dataset: Case notes; Who holds it: The council; Does it include information about people?: Yes\n' +
        'Name of the dataset: Policies; Who holds it: Published or open data; Does it include information about people?: No',
      process_integration: 'It helps a member of staff decide',
      external_supplier_involvement: 'No',
    })
  })

  it('writes scales as "n out of 5" and numbers as given', () => {
    const set = parseQuestionSet(
      `
id: atrs-test
version: 1
title: T
sections:
  - id: s
    title: S
    questions:
      - { id: n, kind: number, text: N, atrs: frequency_and_scale_of_usage, frameworks: [{ name: T, ref: "1" }] }
      - { id: sc, kind: scale, text: S, atrs: maintenance, frameworks: [{ name: T, ref: "1" }] }
      - { id: blank, kind: text, text: B, atrs: team, required: false, frameworks: [{ name: T, ref: "1" }] }
`,
      'test/atrs.yaml',
    )
    assert.deepEqual(atrsFieldsFromAnswers(set, { n: 1200, sc: 3, blank: '' }), { frequency_and_scale_of_usage: '1200', maintenance: '3 out of 5' })
  })
})

// ---------------------------------------------------------------------------------------------
// Intake v1
// ---------------------------------------------------------------------------------------------

const intake = await loadQuestionSet('content/assessments/intake/v1.yaml')

/** A staff-only, in-house tool using no personal data. */
const intakeQuiet: Answers = {
  purpose: 'Drafts committee reports from templates.',
  lifecycle_phase: 'production',
  service_area: 'corporate',
  technique: ['rules'],
  usage_frequency: 'weekly',
  personal_data: false,
  data_sources: ['council_records'],
  people_affected: ['staff'],
  decision_role: 'informs',
  human_oversight: 'Officers edit every draft.',
  supplier_involved: false,
}

const intakeCases: Case[] = [
  { name: 'intake: a quiet in-house staff tool raises nothing', answers: intakeQuiet, tier: 'low', flags: [], fired: [] },
  {
    name: 'intake: personal data needs the DPIA screening',
    answers: { ...intakeQuiet, personal_data: true, special_category: false, people_scale: 'under_100' },
    tier: 'medium',
    flags: ['dpia_screening_needed'],
    fired: ['personal_data_screening'],
  },
  {
    name: 'intake: sensitive data needs an Article 9 condition',
    answers: { ...intakeQuiet, personal_data: true, special_category: true, people_scale: 'under_100' },
    tier: 'medium',
    flags: ['dpia_screening_needed'],
    fired: ['personal_data_screening', 'special_category_condition'],
  },
  {
    name: 'intake: helping staff decide about people needs equality consideration',
    answers: { ...intakeQuiet, decision_role: 'assists', significant_effect: false },
    tier: 'medium',
    flags: ['eqia_screening_needed'],
    fired: ['decisions_about_people'],
  },
  {
    name: 'intake: automated significant decisions stay medium at intake (screening gives the real tier)',
    answers: { ...intakeQuiet, decision_role: 'automates', significant_effect: true },
    tier: 'medium',
    flags: ['eqia_screening_needed', 'automated_decisions'],
    fired: ['decisions_about_people', 'automated_significant_decisions'],
  },
  {
    name: 'intake: a supplier needs the procurement questions',
    answers: { ...intakeQuiet, supplier_involved: true, supplier_name: 'Acme AI Ltd' },
    tier: 'low',
    flags: ['procurement_questions_needed'],
    fired: ['supplier_procurement'],
  },
  {
    name: 'intake: generative AI brings in the generative AI policy',
    answers: { ...intakeQuiet, technique: ['llm_generative'] },
    tier: 'low',
    flags: ['genai_policy_applies'],
    fired: ['generative_ai_policy'],
  },
  {
    name: 'intake: a tool affecting residents should have an ATRS record',
    answers: { ...intakeQuiet, people_affected: ['residents', 'staff'] },
    tier: 'low',
    flags: ['transparency_record_recommended'],
    fired: ['public_transparency'],
  },
  {
    name: 'intake: a dataset with personal data contradicts "no personal data"',
    answers: { ...intakeQuiet, datasets: [{ name: 'Policies', contains_personal_data: false }, { name: 'Tenants', contains_personal_data: true }] },
    tier: 'low',
    flags: ['answers_to_check'],
    fired: ['dataset_personal_data_mismatch'],
  },
  {
    name: 'intake: three or more datasets with personal data need a data-flow map',
    answers: {
      ...intakeQuiet,
      personal_data: true,
      special_category: false,
      people_scale: 'under_100',
      datasets: [{ name: 'A', contains_personal_data: true }, { name: 'B' }, { name: 'C' }],
    },
    tier: 'medium',
    flags: ['dpia_screening_needed'],
    fired: ['personal_data_screening', 'many_datasets_with_personal_data'],
  },
]

describe('evaluate (intake v1)', () => {
  for (const c of intakeCases) {
    it(c.name, () => {
      const outcome = evaluate(intake, c.answers)
      assert.equal(outcome.tier, c.tier)
      assert.deepEqual(sorted(outcome.flags.map((f) => f.id)), sorted(c.flags))
      assert.deepEqual(sorted(outcome.firedRules.map((r) => r.id)), sorted(c.fired))
    })
  }

  it('every intake rule is fired by a case above, and the quiet case is complete', () => {
    const covered = new Set(intakeCases.flatMap((c) => c.fired))
    assert.deepEqual(intake.rules.map((r) => r.id).filter((id) => !covered.has(id)), [])
    assert.deepEqual(missingRequired(intake, intakeQuiet), [])
  })

  it('no rule in intake sets a tier above medium', () => {
    for (const rule of intake.rules) assert.ok(!rule.tier || tierRank(rule.tier) <= tierRank('medium'), rule.id)
  })

  it('shares its answers with screening: the same ids, prefilled both ways', async () => {
    const shared = new Set(allQuestions(intake).map((x) => x.id))
    for (const id of ['personal_data', 'special_category', 'people_scale', 'decision_role', 'significant_effect', 'vulnerable_people']) {
      assert.ok(shared.has(id) && allQuestions(screening).some((x) => x.id === id), id)
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Properties, over every set in content/assessments
// ---------------------------------------------------------------------------------------------

const allSets = [...(await loadQuestionSets()).values()]

/** A valid answer for a question or group field, as the engine stores it. */
function validFieldAnswer(q: Question | GroupField): fc.Arbitrary<FieldValue> {
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
      return exclusive.length ? (plain.length ? fc.oneof(some, fc.constantFrom(...exclusive)) : fc.constantFrom(...exclusive)) : some
    }
    case 'text':
    case 'long_text':
      return fc.string({ minLength: 1, maxLength: 200 }).map((s) => s.trim()).filter((s) => s !== '')
    case 'number':
      return fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 100)
    case 'scale':
      return fc.integer({ min: 0, max: 5 })
    case 'date':
      return fc
        .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10))
    case 'group':
      throw new Error('a group is not a field')
  }
}

/** A valid group answer: between max(1, minItems) and maxItems (at most 4) items, none blank. */
function validGroupAnswer(q: Question): fc.Arbitrary<GroupItem[]> {
  const fields = q.fields ?? []
  const model = Object.fromEntries(fields.map((f) => [f.id, validFieldAnswer(f)]))
  const required = fields.filter((f) => f.required).map((f) => f.id)
  const item = fc.record(model, { requiredKeys: required, noNullPrototype: true }).filter((it) => Object.keys(it).length > 0) as fc.Arbitrary<GroupItem>
  const min = Math.max(1, q.minItems ?? 0)
  return fc.array(item, { minLength: min, maxLength: Math.max(min, Math.min(q.maxItems ?? 4, 4)) })
}

function validAnswer(q: Question): fc.Arbitrary<AnswerValue> {
  return q.kind === 'group' ? validGroupAnswer(q) : validFieldAnswer(q)
}

/** Answers to any subset of the questions, each valid for its question. */
function answersFor(set: QuestionSet, allRequired = false): fc.Arbitrary<Answers> {
  const model = Object.fromEntries(allQuestions(set).map((q) => [q.id, validAnswer(q)]))
  return allRequired ? fc.record(model) : fc.record(model, { requiredKeys: [] })
}

/** How an HTML form would send a field's answer. */
function asFieldFormValue(value: FieldValue): string | string[] {
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'number') return String(value)
  return value
}

/** How the route hands over a form: groups as rows of strings, with a blank "add another" row. */
function asFormValue(value: AnswerValue): unknown {
  if (Array.isArray(value) && value.some((v) => typeof v === 'object')) {
    const rows = (value as GroupItem[]).map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, asFieldFormValue(v)])))
    return [...rows, {}]
  }
  return asFieldFormValue(value as FieldValue)
}

describe('properties', () => {
  it('the property tests run over every set in content/assessments, including one with a group', () => {
    const ids = allSets.map((set) => set.id)
    assert.ok(ids.includes('screening') && ids.includes('intake'), ids.join())
    assert.ok(allSets.some((set) => allQuestions(set).some((q) => q.kind === 'group')))
  })

  for (const set of allSets) {
    describe(`${set.id} v${set.version}`, () => {
      it('any valid answers evaluate to a known tier, consistent with the rules and flags', () => {
        const declared = new Set(set.flags.map((f) => f.id))
        fc.assert(
          fc.property(answersFor(set), (answers) => {
            const outcome = evaluate(set, answers)
            assert.ok(RISK_TIERS.includes(outcome.tier))
            for (const rule of outcome.firedRules) if (rule.tier) assert.ok(tierRank(rule.tier) <= tierRank(outcome.tier))
            for (const flag of outcome.flags) assert.ok(declared.has(flag.id))
            const levels = outcome.actions.map((a) => ['MUST', 'SHOULD', 'COULD'].indexOf(a.level))
            assert.deepEqual(levels, [...levels].sort((a, b) => a - b))
          }),
          { numRuns: 200 },
        )
      })

      it('form input of valid answers (with blank group rows) parses back to the same answers', () => {
        fc.assert(
          fc.property(answersFor(set), (answers) => {
            const form = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v === undefined ? v : asFormValue(v)]))
            const parsed = parseAnswers(set, form)
            assert.deepEqual(parsed.errors, {})
            const asked = new Set(askedQuestions(set, answers).map((q) => q.id))
            const expected = Object.fromEntries(Object.entries(answers).filter(([k]) => asked.has(k)))
            assert.deepEqual(parsed.answers, expected)
          }),
          { numRuns: 150 },
        )
      })

      it('JSON input of valid answers parses back to the same answers', () => {
        fc.assert(
          fc.property(answersFor(set), (answers) => {
            const parsed = parseAnswers(set, JSON.parse(JSON.stringify(answers)) as Record<string, unknown>)
            assert.deepEqual(parsed.errors, {})
            assert.deepEqual(parsed.answers, Object.fromEntries(askedQuestions(set, answers).filter((q) => answers[q.id] !== undefined).map((q) => [q.id, answers[q.id]])))
          }),
          { numRuns: 100 },
        )
      })

      it('complete valid answers leave nothing missing', () => {
        fc.assert(fc.property(answersFor(set, true), (answers) => assert.deepEqual(missingRequired(set, answers), [])), { numRuns: 100 })
      })

      it('atrsFieldsFromAnswers gives a non-empty string for linked questions only', () => {
        const linked = new Set(allQuestions(set).flatMap((q) => (q.atrs ? [q.atrs] : [])))
        fc.assert(
          fc.property(answersFor(set), (answers) => {
            for (const [key, value] of Object.entries(atrsFieldsFromAnswers(set, answers))) {
              assert.ok(linked.has(key as never), key)
              assert.ok(value.length > 0, key)
            }
          }),
          { numRuns: 100 },
        )
      })

      it('parseAnswers never throws on arbitrary input and only keeps asked questions', () => {
        const ids = allQuestions(set).map((q) => q.id)
        const anyValue = fc.oneof(fc.anything(), fc.array(fc.dictionary(fc.string(), fc.anything())))
        fc.assert(
          fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...ids), fc.string()), anyValue), (raw) => {
            const { answers, errors } = parseAnswers(set, raw)
            const asked = new Set(askedQuestions(set, answers).map((q) => q.id))
            for (const id of Object.keys(answers)) assert.ok(asked.has(id), id)
            for (const key of Object.keys(errors)) assert.ok(asked.has(key.split('.')[0] as string), key)
            for (const message of Object.values(errors)) assert.equal(typeof message, 'string')
          }),
          { numRuns: 150 },
        )
      })
    })
  }

  it('screening: with personal data exactly one of dpia_required and dpia_recommended is raised; without it, neither', () => {
    fc.assert(
      fc.property(answersFor(screening), (answers) => {
        const flags = new Set(evaluate(screening, answers).flags.map((f) => f.id))
        const count = Number(flags.has('dpia_required')) + Number(flags.has('dpia_recommended'))
        assert.equal(count, answers.personal_data === true ? 1 : 0)
        assert.equal(evaluate(screening, answers).tier === 'prohibited', flags.has('prohibited_practice'))
      }),
      { numRuns: 500 },
    )
  })

  it('the small sets with every kind and with a group round-trip through the form', () => {
    for (const set of [everyKind, withGroup]) {
      fc.assert(
        fc.property(answersFor(set), (answers) => {
          const form = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v === undefined ? v : asFormValue(v)]))
          const parsed = parseAnswers(set, form)
          const asked = new Set(askedQuestions(set, answers).map((q) => q.id))
          assert.deepEqual(parsed.errors, {})
          assert.deepEqual(parsed.answers, Object.fromEntries(Object.entries(answers).filter(([k]) => asked.has(k))))
        }),
        { numRuns: 300 },
      )
    }
  })

  it('intake never gives a tier above medium', () => {
    fc.assert(fc.property(answersFor(intake), (answers) => assert.ok(tierRank(evaluate(intake, answers).tier) <= tierRank('medium'))), {
      numRuns: 300,
    })
  })
})
