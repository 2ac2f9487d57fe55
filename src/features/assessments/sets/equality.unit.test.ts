import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isAsked, missingRequired, setApplies } from '../engine.ts'
import type { Answers } from '../engine.ts'
import { allQuestions } from '../questionSet/schema.ts'
import { loadQuestionSet } from '../questionSet/load.ts'
import { caseTableTests } from './caseTable.ts'
import type { Case } from './caseTable.ts'

const set = await loadQuestionSet('content/assessments/equality/v1.yaml')

// A staff-only tool in England that informs but decides nothing, affects no protected
// characteristic, has been tested, and will be monitored: only the English note fires.
const quiet: Answers = {
  people_affected: ['staff'],
  decision_role: 'informs',
  public_facing: ['none'],
  equality_impact: 'no',
  council_nation: 'england',
  characteristics_affected: ['none'],
  other_groups: ['none'],
  protected_data_used: ['none'],
  bias_testing: 'tested_no_concerns',
  evidence_sources: ['outcome_data', 'engagement'],
  harmful_content_risk: 'no',
  advance_opportunity: 'no',
  good_relations_risk: 'no',
  outcome_monitoring: true,
}
const ENGLAND = 'england_specific_duties'

const cases: Case[] = [
  { name: 'nothing of note: only the note on English duties', answers: quiet, tier: 'low', flags: [], fired: [ENGLAND] },
  {
    name: 'a tool that helps staff decide about people needs due regard and an EqIA',
    answers: { ...quiet, decision_role: 'assists' },
    tier: 'medium',
    flags: ['eqia_required'],
    fired: [ENGLAND, 'decisions_or_characteristics_affected'],
  },
  {
    name: 'a negative effect on one characteristic is high; an unknown one needs evidence',
    answers: {
      ...quiet,
      characteristics_affected: ['age', 'disability'],
      characteristic_impacts: [
        { characteristic: 'age', impact: 'negative', explanation: 'Older residents use the online form less.' },
        { characteristic: 'disability', impact: 'unknown' },
      ],
      mitigation: 'Keep the phone line and test the form with screen reader users.',
    },
    tier: 'high',
    flags: ['eqia_required'],
    fired: [ENGLAND, 'decisions_or_characteristics_affected', 'negative_impact', 'unknown_impact'],
  },
  {
    name: 'a positive effect is worth recording and checking',
    answers: { ...quiet, characteristics_affected: ['race'], characteristic_impacts: [{ characteristic: 'race', impact: 'positive' }] },
    tier: 'medium',
    flags: ['eqia_required'],
    fired: [ENGLAND, 'decisions_or_characteristics_affected', 'positive_impact'],
  },
  {
    name: 'a neutral effect needs only the EqIA',
    answers: { ...quiet, characteristics_affected: ['sex'], characteristic_impacts: [{ characteristic: 'sex', impact: 'neutral' }] },
    tier: 'medium',
    flags: ['eqia_required'],
    fired: [ENGLAND, 'decisions_or_characteristics_affected'],
  },
  {
    name: 'effects per characteristic are ignored once "None of these" is chosen (the group is not asked)',
    answers: { ...quiet, characteristic_impacts: [{ characteristic: 'age', impact: 'negative' }] },
    tier: 'low',
    flags: [],
    fired: [ENGLAND],
  },
  {
    name: 'results that may differ by group need testing and an EqIA',
    answers: { ...quiet, equality_impact: 'not_sure' },
    tier: 'medium',
    flags: ['eqia_required', 'bias_testing_needed'],
    fired: [ENGLAND, 'results_could_differ'],
  },
  {
    name: 'protected characteristics in the data need care and bias testing',
    answers: { ...quiet, protected_data_used: ['direct_characteristics'] },
    tier: 'medium',
    flags: ['bias_testing_needed'],
    fired: [ENGLAND, 'protected_characteristics_in_data'],
  },
  {
    name: 'postcode can stand in for a characteristic: bias testing',
    answers: { ...quiet, protected_data_used: ['postcode_or_area'] },
    tier: 'medium',
    flags: ['bias_testing_needed'],
    fired: [ENGLAND, 'proxy_data'],
  },
  {
    name: 'not knowing what data the tool uses counts as possible proxies',
    answers: { ...quiet, protected_data_used: ['not_sure'] },
    tier: 'medium',
    flags: ['bias_testing_needed'],
    fired: [ENGLAND, 'proxy_data'],
  },
  {
    name: "a decision tool tested only by the supplier must be checked by the council (Bridges)",
    answers: { ...quiet, decision_role: 'automates', bias_testing: 'supplier_evidence_only' },
    tier: 'medium',
    flags: ['eqia_required', 'bias_testing_needed'],
    fired: [ENGLAND, 'decisions_or_characteristics_affected', 'untested_tool_used_in_decisions'],
  },
  {
    name: 'an untested tool that decides nothing is not flagged for testing',
    answers: { ...quiet, bias_testing: 'not_tested' },
    tier: 'low',
    flags: [],
    fired: [ENGLAND],
  },
  {
    name: 'differences found in testing are high',
    answers: { ...quiet, bias_testing: 'tested_differences_found', mitigation: 'Retrain without postcode.' },
    tier: 'high',
    flags: ['eqia_required', 'bias_testing_needed'],
    fired: [ENGLAND, 'differences_found'],
  },
  {
    name: 'no evidence yet',
    answers: { ...quiet, evidence_sources: ['none'] },
    tier: 'low',
    flags: [],
    fired: [ENGLAND, 'no_evidence'],
  },
  {
    name: 'a public chatbot that is the only way in and only partly accessible',
    answers: { ...quiet, public_facing: ['direct_interaction'], access_alternatives: 'no_alternative', accessibility_checked: 'partly' },
    tier: 'medium',
    flags: ['eqia_required'],
    fired: [ENGLAND, 'digital_exclusion', 'accessibility_gaps'],
  },
  {
    name: 'a public chatbot with an equal alternative and a full accessibility check',
    answers: { ...quiet, public_facing: ['direct_interaction'], access_alternatives: 'equal_alternative', accessibility_checked: 'checked' },
    tier: 'low',
    flags: [],
    fired: [ENGLAND],
  },
  {
    name: 'aim 1: possible offensive output',
    answers: { ...quiet, harmful_content_risk: 'not_sure' },
    tier: 'medium',
    flags: [],
    fired: [ENGLAND, 'harmful_content'],
  },
  {
    name: 'aim 2: advancing opportunity not looked at',
    answers: { ...quiet, advance_opportunity: 'not_considered' },
    tier: 'low',
    flags: [],
    fired: [ENGLAND, 'opportunity_not_considered'],
  },
  {
    name: 'aim 3: risk to good relations',
    answers: { ...quiet, good_relations_risk: 'yes' },
    tier: 'medium',
    flags: [],
    fired: [ENGLAND, 'good_relations'],
  },
  {
    name: 'no plan to monitor outcomes by group',
    answers: { ...quiet, outcome_monitoring: false },
    tier: 'low',
    flags: [],
    fired: [ENGLAND, 'no_outcome_monitoring'],
  },
  {
    name: 'local groups such as people on low incomes',
    answers: { ...quiet, other_groups: ['socio_economic', 'care_experienced'] },
    tier: 'low',
    flags: [],
    fired: [ENGLAND, 'local_characteristics'],
  },
  { name: 'Wales: specific duties to assess and report', answers: { ...quiet, council_nation: 'wales' }, tier: 'low', flags: [], fired: ['wales_specific_duties'] },
  { name: 'Scotland: specific duties to assess and publish', answers: { ...quiet, council_nation: 'scotland' }, tier: 'low', flags: [], fired: ['scotland_specific_duties'] },
  {
    name: 'Northern Ireland: section 75 screening instead of the PSED',
    answers: { ...quiet, council_nation: 'northern_ireland' },
    tier: 'low',
    flags: [],
    fired: ['northern_ireland_section_75'],
  },
]

describe('equality v1', () => {
  caseTableTests(set, cases, { maxTier: 'high' })

  it('the quiet answers are complete', () => {
    assert.deepEqual(missingRequired(set, quiet), [])
  })


  it('offers all nine protected characteristics, in the list and in each row of the group', () => {
    const nine = [
      'age', 'disability', 'gender_reassignment', 'marriage_civil_partnership', 'pregnancy_maternity',
      'race', 'religion_belief', 'sex', 'sexual_orientation',
    ]
    const questions = allQuestions(set)
    const list = questions.find((q) => q.id === 'characteristics_affected')
    assert.deepEqual(list?.options?.map((o) => o.value).filter((v) => v !== 'none'), nine)
    const group = questions.find((q) => q.id === 'characteristic_impacts')
    assert.deepEqual(group?.fields?.find((f) => f.id === 'characteristic')?.options?.map((o) => o.value), nine)
  })

  it('asks for mitigation only when an effect is negative or unknown, or testing found differences', () => {
    const negative = { ...quiet, characteristics_affected: ['age'], characteristic_impacts: [{ characteristic: 'age', impact: 'negative' }] }
    assert.equal(isAsked(set, 'mitigation', quiet), false)
    assert.equal(isAsked(set, 'mitigation', negative), true)
    assert.deepEqual(missingRequired(set, negative), ['mitigation'])
  })

  it('applies unless the tool affects nobody directly', () => {
    assert.equal(setApplies(set, { people_affected: ['residents'] }), true)
    assert.equal(setApplies(set, { people_affected: ['nobody_directly'] }), false)
  })
})
