import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluate, missingRequired, setApplies } from '../engine.ts'
import type { Answers } from '../engine.ts'
import { loadQuestionSet } from '../questionSet/load.ts'
import { caseTableTests } from './caseTable.ts'
import type { Case } from './caseTable.ts'

const set = await loadQuestionSet('content/assessments/dpia/v1.yaml')

// Personal data at design stage, with every high-risk factor answered "no" or "small": only
// the good-practice recommendation fires.
const quiet: Answers = {
  lifecycle_phase: 'design',
  personal_data: true,
  special_category: false,
  people_scale: 'under_100',
  data_matching: false,
  invisible_processing: false,
  biometric_identification: false,
  genetic_data: false,
  physical_harm_breach: false,
  monitoring: ['none'],
  profiling: false,
  decision_role: 'informs',
  vulnerable_people: false,
  children_online_service: false,
  dpia_status: 'not_started',
  dpo_consulted: true,
}

// Rules that fire for every use with ONE WP248 criterion (plus AI), or with two or more.
const ONE = ['innovative_technology_plus_one_criterion']
const TWO = ['wp248_two_or_more_criteria', ...ONE]

const cases: Case[] = [
  {
    name: 'personal data with no high-risk factor: DPIA recommended only',
    answers: quiet,
    tier: 'low',
    flags: ['dpia_recommended'],
    fired: ['dpia_recommended'],
  },
  {
    name: 'AI (innovative technology) plus one WP248 criterion, large scale, needs a DPIA',
    answers: { ...quiet, people_scale: 'thousands' },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ONE,
  },
  {
    name: 'two WP248 criteria (large scale and vulnerable people) need a DPIA under the two-or-more rule',
    answers: { ...quiet, people_scale: 'tens_of_thousands_or_more', vulnerable_people: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: TWO,
  },
  {
    name: 'Art 35(3)(a): profiling that decisions with a significant effect rest on',
    answers: { ...quiet, profiling: true, decision_role: 'assists', significant_effect: true },
    tier: 'high',
    flags: ['dpia_required'],
    fired: ['art35_3a_evaluation_with_significant_effect', 'ico_denial_of_service', ...TWO],
  },
  {
    name: 'Art 35(3)(a): solely automated decisions with a significant effect, without profiling',
    answers: { ...quiet, decision_role: 'automates', significant_effect: true },
    tier: 'high',
    flags: ['dpia_required'],
    fired: ['art35_3a_evaluation_with_significant_effect', 'ico_denial_of_service', ...TWO],
  },
  {
    name: 'ICO item 2: helping staff decide access to a service, without profiling',
    answers: { ...quiet, decision_role: 'assists', significant_effect: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_denial_of_service', ...ONE],
  },
  {
    name: 'Art 35(3)(b): sensitive information about a large number of people',
    answers: { ...quiet, special_category: true, people_scale: 'thousands' },
    tier: 'high',
    flags: ['dpia_required'],
    fired: ['art35_3b_sensitive_data_large_scale', ...TWO],
  },
  {
    name: 'Art 35(3)(c): watching public places at large scale',
    answers: { ...quiet, monitoring: ['public_spaces'], people_scale: 'thousands' },
    tier: 'high',
    flags: ['dpia_required'],
    fired: ['art35_3c_public_monitoring_large_scale', ...TWO],
  },
  {
    name: 'ICO item 3: large-scale profiling',
    answers: { ...quiet, profiling: true, people_scale: 'tens_of_thousands_or_more' },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_large_scale_profiling', ...TWO],
  },
  {
    name: 'ICO item 4: biometric identification (the AI is the second criterion)',
    answers: { ...quiet, biometric_identification: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_biometric_identification', ...ONE],
  },
  {
    name: 'ICO item 5: genetic data (the AI is the second criterion)',
    answers: { ...quiet, genetic_data: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_genetic_data', ...ONE],
  },
  {
    name: 'ICO item 6: data matching',
    answers: { ...quiet, data_matching: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_data_matching', ...ONE],
  },
  {
    name: 'ICO item 7: invisible processing stands alone (it is not a WP248 criterion)',
    answers: { ...quiet, invisible_processing: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_invisible_processing'],
  },
  {
    name: 'ICO item 8: tracking behaviour',
    answers: { ...quiet, monitoring: ['behaviour_tracking'] },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_tracking', ...ONE],
  },
  {
    name: 'ICO item 9: an online service used directly by children',
    answers: { ...quiet, children_online_service: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_children_or_vulnerable_people', ...ONE],
  },
  {
    name: 'ICO item 9: profiling vulnerable people',
    answers: { ...quiet, vulnerable_people: true, profiling: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_children_or_vulnerable_people', ...TWO],
  },
  {
    name: 'vulnerable people alone are one WP248 criterion, not ICO item 9',
    answers: { ...quiet, vulnerable_people: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ONE,
  },
  {
    name: 'ICO item 10: a breach could cause physical harm; stands alone',
    answers: { ...quiet, physical_harm_breach: true },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_risk_of_physical_harm'],
  },
  {
    name: 'a tool in use without a finished DPIA, and no DPO advice, is high',
    answers: { ...quiet, data_matching: true, lifecycle_phase: 'production', dpia_status: 'in_progress', dpo_consulted: false },
    tier: 'high',
    flags: ['dpia_required'],
    fired: ['ico_data_matching', ...ONE, 'required_dpia_missing_for_tool_in_use', 'dpo_advice_missing'],
  },
  {
    name: 'a pilot without a DPIA is fine when no DPIA is required',
    answers: { ...quiet, lifecycle_phase: 'pilot', dpo_consulted: false },
    tier: 'low',
    flags: ['dpia_recommended'],
    fired: ['dpia_recommended'],
  },
  {
    name: 'a high residual risk after the DPIA means consulting the ICO first (Art 36)',
    answers: { ...quiet, data_matching: true, dpia_status: 'completed', residual_high_risk: 'yes' },
    tier: 'high',
    flags: ['dpia_required', 'prior_consultation'],
    fired: ['ico_data_matching', ...ONE, 'prior_consultation_needed'],
  },
  {
    name: 'no prior consultation while the residual risk is not known',
    answers: { ...quiet, data_matching: true, dpia_status: 'in_progress', residual_high_risk: 'not_yet_known' },
    tier: 'medium',
    flags: ['dpia_required'],
    fired: ['ico_data_matching', ...ONE],
  },
  {
    name: 'answers to questions that are not asked are ignored (no DPIA started, so no residual risk)',
    answers: { ...quiet, residual_high_risk: 'yes' },
    tier: 'low',
    flags: ['dpia_recommended'],
    fired: ['dpia_recommended'],
  },
]

describe('dpia v1', () => {
  caseTableTests(set, cases, { maxTier: 'high' })

  it('the quiet answers are complete', () => {
    assert.deepEqual(missingRequired(set, quiet), [])
  })


  it('applies only to uses of personal data', () => {
    assert.equal(setApplies(set, { personal_data: true }), true)
    assert.equal(setApplies(set, { personal_data: false }), false)
    assert.equal(setApplies(set, {}), false)
  })

  it('asks for a full DPIA once, as a MUST, however many rules require one', () => {
    const outcome = evaluate(set, { ...quiet, profiling: true, decision_role: 'automates', significant_effect: true, data_matching: true })
    const dpia = outcome.actions.filter((a) => a.text.startsWith('Complete a full data protection impact assessment (DPIA)'))
    assert.equal(dpia.length, 1)
    assert.equal(dpia[0]?.level, 'MUST')
  })
})
