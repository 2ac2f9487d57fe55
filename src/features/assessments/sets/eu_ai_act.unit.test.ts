import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { askedQuestions, missingRequired } from '../engine.ts'
import type { Answers } from '../engine.ts'
import { loadQuestionSet } from '../questionSet/load.ts'
import { caseTableTests } from './caseTable.ts'
import type { Case } from './caseTable.ts'

const set = await loadQuestionSet('content/assessments/eu_ai_act/v1.yaml')

// An internal tool in no high-risk area, seen by no member of the public, not built on a
// general-purpose model: minimal risk.
const minimal: Answers = {
  prohibited_practices: ['none'],
  annex_iii_areas: ['none'],
  credit_or_insurance: ['none'],
  public_facing: ['none'],
  ai_act_role: 'deployer',
  gpai_model: 'not_gpai',
}
const MINIMAL = ['ai_literacy', 'minimal_risk']
const HIGH = ['ai_literacy', 'high_risk_annex_iii']

const cases: Case[] = [
  { name: 'minimal: nothing of note', answers: minimal, tier: 'low', flags: [], fired: MINIMAL },
  {
    name: 'prohibited: a banned practice, and nothing else is asked',
    answers: { ...minimal, prohibited_practices: ['social_scoring'], public_facing: ['direct_interaction'] },
    tier: 'prohibited',
    flags: ['prohibited_practice'],
    fired: ['prohibited_practice'],
  },
  {
    name: 'high: benefit eligibility (Annex III 5(a)) beyond a narrow task, with a FRIA',
    answers: { ...minimal, annex_iii_areas: ['benefits_and_services'], art6_3_conditions: ['none'] },
    tier: 'high',
    flags: ['eu_high_risk', 'fria_recommended'],
    fired: [...HIGH, 'fria_before_use'],
  },
  {
    name: 'high but exempt: a narrow procedural task in 5(a) without profiling (Art 6(3))',
    answers: { ...minimal, annex_iii_areas: ['benefits_and_services'], art6_3_conditions: ['narrow_procedural_task'], profiling: false },
    tier: 'medium',
    flags: [],
    fired: ['ai_literacy', 'art6_3_not_high_risk'],
  },
  {
    name: 'profiling people rules out the Art 6(3) exemption',
    answers: { ...minimal, annex_iii_areas: ['emergency_triage'], art6_3_conditions: ['preparatory_task'], profiling: true },
    tier: 'high',
    flags: ['eu_high_risk', 'fria_recommended'],
    fired: [...HIGH, 'fria_before_use'],
  },
  {
    name: 'high: critical infrastructure (Annex III 2) needs no FRIA',
    answers: { ...minimal, annex_iii_areas: ['critical_infrastructure'], art6_3_conditions: ['none'] },
    tier: 'high',
    flags: ['eu_high_risk'],
    fired: HIGH,
  },
  {
    name: 'high: employment (Annex III 4) means telling staff and their representatives',
    answers: { ...minimal, annex_iii_areas: ['employment'], art6_3_conditions: ['none'] },
    tier: 'high',
    flags: ['eu_high_risk', 'fria_recommended'],
    fired: [...HIGH, 'fria_before_use', 'high_risk_workers_informed'],
  },
  {
    name: 'high: education (Annex III 3) built by the council carries provider duties',
    answers: { ...minimal, annex_iii_areas: ['education'], art6_3_conditions: ['none'], ai_act_role: 'provider' },
    tier: 'high',
    flags: ['eu_high_risk', 'fria_recommended'],
    fired: [...HIGH, 'fria_before_use', 'high_risk_provider_duties'],
  },
  {
    name: 'high: credit scoring (Annex III 5(b))',
    answers: { ...minimal, credit_or_insurance: ['creditworthiness'], art6_3_conditions: ['none'] },
    tier: 'high',
    flags: ['eu_high_risk', 'fria_recommended'],
    fired: [...HIGH, 'fria_before_use'],
  },
  {
    name: 'high: emotion recognition (Annex III 1(c)) also means telling people (Art 50(3))',
    answers: { ...minimal, annex_iii_areas: ['biometrics'], biometric_purposes: ['emotion_recognition'], art6_3_conditions: ['none'] },
    tier: 'high',
    flags: ['eu_high_risk', 'fria_recommended', 'art50_transparency'],
    fired: [...HIGH, 'fria_before_use', 'biometric_exposure_notice'],
  },
  {
    name: 'biometric verification alone is not high-risk (Annex III 1(a))',
    answers: { ...minimal, annex_iii_areas: ['biometrics'], biometric_purposes: ['verification_only'] },
    tier: 'low',
    flags: [],
    fired: MINIMAL,
  },
  {
    name: 'limited: a public chatbot must say it is AI (Art 50(1))',
    answers: { ...minimal, public_facing: ['direct_interaction'] },
    tier: 'medium',
    flags: ['art50_transparency'],
    fired: ['ai_literacy', 'chatbot_disclosure'],
  },
  {
    name: 'limited: published deepfakes must be labelled (Art 50(4))',
    answers: { ...minimal, public_facing: ['published_content'], synthetic_content: ['deepfake'] },
    tier: 'medium',
    flags: ['art50_transparency'],
    fired: ['ai_literacy', 'deepfake_disclosure'],
  },
  {
    name: 'limited: AI-written public-interest text without human review must be labelled',
    answers: { ...minimal, public_facing: ['published_content'], synthetic_content: ['public_interest_text'], public_text_reviewed: false },
    tier: 'medium',
    flags: ['art50_transparency'],
    fired: ['ai_literacy', 'public_interest_text_disclosure'],
  },
  {
    name: 'minimal: public-interest text reviewed by a person with editorial responsibility',
    answers: { ...minimal, public_facing: ['published_content'], synthetic_content: ['public_interest_text'], public_text_reviewed: true },
    tier: 'low',
    flags: [],
    fired: [...MINIMAL, 'public_interest_text_reviewed'],
  },
  {
    name: 'a general-purpose model used as supplied',
    answers: { ...minimal, gpai_model: 'as_supplied' },
    tier: 'low',
    flags: [],
    fired: [...MINIMAL, 'gpai_in_use'],
  },
  {
    name: 'a fine-tuned general-purpose model',
    answers: { ...minimal, gpai_model: 'fine_tuned' },
    tier: 'low',
    flags: [],
    fired: [...MINIMAL, 'gpai_in_use', 'gpai_modified'],
  },
  {
    name: 'not knowing whether a general-purpose model is used',
    answers: { ...minimal, gpai_model: 'not_sure' },
    tier: 'low',
    flags: [],
    fired: [...MINIMAL, 'gpai_unknown'],
  },
]

const sorted = (xs: readonly string[]) => [...xs].sort()

describe('eu_ai_act v1', () => {
  caseTableTests(set, cases)

  it('the minimal answers are complete', () => {
    assert.deepEqual(missingRequired(set, minimal), [])
  })

  it('reaches every class: prohibited, high, medium (limited) and low (minimal)', () => {
    assert.deepEqual(sorted([...new Set(cases.map((c) => c.tier))]), sorted(['prohibited', 'high', 'medium', 'low']))
  })

  it('stops after a banned practice', () => {
    const asked = askedQuestions(set, { prohibited_practices: ['manipulation'] }).map((q) => q.id)
    assert.deepEqual(asked, ['prohibited_practices'])
  })

  it('asks about profiling only when the Art 6(3) exemption could apply', () => {
    const area = { ...minimal, annex_iii_areas: ['benefits_and_services'] }
    const ids = (answers: Answers) => askedQuestions(set, answers).map((q) => q.id)
    assert.ok(!ids(minimal).includes('art6_3_conditions'))
    assert.ok(ids(area).includes('art6_3_conditions'))
    assert.ok(!ids({ ...area, art6_3_conditions: ['none'] }).includes('profiling'))
    assert.ok(ids({ ...area, art6_3_conditions: ['flags_patterns_for_review'] }).includes('profiling'))
  })
})
