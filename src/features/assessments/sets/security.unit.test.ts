import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isAsked } from '../engine.ts'
import type { Answers } from '../engine.ts'
import { loadQuestionSet } from '../questionSet/load.ts'
import { caseTableTests } from './caseTable.ts'
import type { Case } from './caseTable.ts'

const set = await loadQuestionSet('content/assessments/security/v1.yaml')

// An in-house machine-learning tool with every control in place: nothing fires.
const inHouse: Answers = {
  supplier_involved: false,
  technique: ['ml_prediction'],
  personal_data: false,
  threat_model: 'ai_specific',
  ai_security_awareness: true,
  tool_can_act: false,
  learns_from_use: false,
  model_origin: 'built_in_house',
  component_inventory: true,
  access_control: 'named_mfa',
  misuse_testing: true,
  incident_plan: true,
  activity_logging: 'logged_and_reviewed',
  behaviour_monitoring: true,
  update_control: true,
  caf_assessed: 'caf',
}

// A supplier's tool with good evidence and contract terms: nothing fires.
const { component_inventory: _notAskedForSuppliers, ...inHouseWithoutInventory } = inHouse
const supplied: Answers = {
  ...inHouseWithoutInventory,
  supplier_involved: true,
  model_origin: 'supplier_model',
  supplier_security_evidence: ['cyber_essentials_plus', 'penetration_test', 'model_documentation'],
  supplier_chain_known: true,
  supplier_incident_notice: true,
}

// A generative AI tool that reads nothing from outside the council.
const genai: Answers = { ...supplied, technique: ['llm_generative'], model_origin: 'third_party_model', untrusted_content: false }

const cases: Case[] = [
  { name: 'an in-house tool with every control in place is low', answers: inHouse, tier: 'low', flags: [], fired: [] },
  { name: "a supplier's tool with good evidence is low", answers: supplied, tier: 'low', flags: [], fired: [] },
  { name: 'generative AI that reads no outside content is low', answers: genai, tier: 'low', flags: [], fired: [] },
  { name: 'nothing answered yet fires nothing', answers: {}, tier: 'low', flags: [], fired: [] },
  {
    name: 'generative AI reading outside content is exposed to prompt injection',
    answers: { ...genai, untrusted_content: true },
    tier: 'medium',
    flags: ['prompt_injection_exposure'],
    fired: ['prompt_injection_exposure'],
  },
  {
    name: 'prompt injection plus the power to act is high',
    answers: { ...genai, untrusted_content: true, tool_can_act: true },
    tier: 'high',
    flags: ['prompt_injection_exposure'],
    fired: ['prompt_injection_with_actions', 'prompt_injection_exposure', 'tool_acts_unsupervised'],
  },
  {
    name: 'a tool that can act, without outside content, only needs least privilege',
    answers: { ...inHouse, tool_can_act: true },
    tier: 'low',
    flags: [],
    fired: ['tool_acts_unsupervised'],
  },
  {
    name: 'the prompt-injection question is not asked of non-generative tools',
    answers: { ...inHouse, untrusted_content: true },
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'retraining on unchecked data from use exposes the model to poisoning',
    answers: { ...inHouse, learns_from_use: true, retraining_data_checked: false },
    tier: 'medium',
    flags: ['data_poisoning_exposure'],
    fired: ['data_poisoning_exposure'],
  },
  {
    name: 'retraining on checked data is fine',
    answers: { ...inHouse, learns_from_use: true, retraining_data_checked: true },
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'no threat model at all is medium',
    answers: { ...inHouse, threat_model: 'none' },
    tier: 'medium',
    flags: ['no_threat_model'],
    fired: ['no_threat_model'],
  },
  {
    name: 'a general IT assessment that ignores AI attacks is flagged',
    answers: { ...inHouse, threat_model: 'general_only' },
    tier: 'low',
    flags: ['no_threat_model'],
    fired: ['threat_model_not_ai_specific'],
  },
  {
    name: 'staff unaware of AI-specific threats',
    answers: { ...inHouse, ai_security_awareness: false },
    tier: 'low',
    flags: [],
    fired: ['staff_unaware_of_ai_threats'],
  },
  {
    name: 'an unknown model origin is a supply-chain gap',
    answers: { ...supplied, model_origin: 'unknown' },
    tier: 'medium',
    flags: ['supply_chain_unknown'],
    fired: ['model_origin_unknown'],
  },
  {
    name: "not knowing the supplier's own suppliers is a supply-chain gap",
    answers: { ...supplied, supplier_chain_known: false },
    tier: 'low',
    flags: ['supply_chain_unknown'],
    fired: ['supplier_chain_unknown'],
  },
  {
    name: 'an in-house tool without a list of its parts',
    answers: { ...inHouse, component_inventory: false },
    tier: 'low',
    flags: [],
    fired: ['no_component_inventory'],
  },
  {
    name: 'a supplier with no security evidence is medium',
    answers: { ...supplied, supplier_security_evidence: ['none'] },
    tier: 'medium',
    flags: ['supplier_assurance_gap'],
    fired: ['supplier_no_security_evidence'],
  },
  {
    name: 'a supplier with ISO 27001 but no Cyber Essentials is asked for it',
    answers: { ...supplied, supplier_security_evidence: ['iso27001'] },
    tier: 'low',
    flags: ['supplier_assurance_gap'],
    fired: ['supplier_without_cyber_essentials'],
  },
  {
    name: 'supplier questions are not asked of an in-house tool',
    answers: { ...inHouse, supplier_security_evidence: ['none'], supplier_chain_known: false, supplier_incident_notice: false },
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'named accounts without multi-factor authentication are weak',
    answers: { ...inHouse, access_control: 'named_no_mfa' },
    tier: 'medium',
    flags: ['access_control_weak'],
    fired: ['weak_access_control'],
  },
  {
    name: 'not tested against misuse before go-live',
    answers: { ...inHouse, misuse_testing: false },
    tier: 'low',
    flags: [],
    fired: ['no_misuse_testing'],
  },
  {
    name: 'the incident plan does not cover the tool',
    answers: { ...inHouse, incident_plan: false },
    tier: 'low',
    flags: ['incident_response_gap'],
    fired: ['no_incident_plan'],
  },
  {
    name: 'the supplier need not report incidents',
    answers: { ...supplied, supplier_incident_notice: false },
    tier: 'low',
    flags: ['incident_response_gap'],
    fired: ['supplier_incident_notice_missing'],
  },
  {
    name: 'no logging',
    answers: { ...inHouse, activity_logging: 'not_logged' },
    tier: 'low',
    flags: ['logging_gap'],
    fired: ['not_logged'],
  },
  {
    name: 'logs that nobody looks at',
    answers: { ...inHouse, activity_logging: 'logged_only' },
    tier: 'low',
    flags: ['logging_gap'],
    fired: ['logs_not_reviewed'],
  },
  {
    name: 'no monitoring of behaviour, untested updates and outside the CAF assessment',
    answers: { ...inHouse, behaviour_monitoring: false, update_control: false, caf_assessed: 'not_covered' },
    tier: 'low',
    flags: [],
    fired: ['no_behaviour_monitoring', 'uncontrolled_updates', 'not_in_security_assessment'],
  },
  {
    name: 'personal data with every control in place stays low',
    answers: { ...inHouse, personal_data: true },
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'personal data behind shared accounts is high (UK GDPR Art 32)',
    answers: { ...inHouse, personal_data: true, access_control: 'shared_or_none' },
    tier: 'high',
    flags: ['access_control_weak'],
    fired: ['weak_access_control', 'personal_data_security_gaps'],
  },
  {
    name: 'personal data with a supplier that gives no security evidence is high',
    answers: { ...supplied, personal_data: true, supplier_security_evidence: ['none'] },
    tier: 'high',
    flags: ['supplier_assurance_gap'],
    fired: ['supplier_no_security_evidence', 'personal_data_security_gaps'],
  },
  {
    name: 'personal data with no incident plan and no logs is high',
    answers: { ...inHouse, personal_data: true, incident_plan: false, activity_logging: 'not_logged' },
    tier: 'high',
    flags: ['incident_response_gap', 'logging_gap'],
    fired: ['no_incident_plan', 'not_logged', 'personal_data_security_gaps'],
  },
]

describe('security v1', () => {
  caseTableTests(set, cases, { maxTier: 'high' })


  it('branches on supplier involvement', () => {
    assert.equal(isAsked(set, 'component_inventory', inHouse), true)
    assert.equal(isAsked(set, 'supplier_security_evidence', inHouse), false)
    assert.equal(isAsked(set, 'component_inventory', supplied), false)
    for (const id of ['supplier_security_evidence', 'supplier_chain_known', 'supplier_incident_notice']) {
      assert.equal(isAsked(set, id, supplied), true, id)
    }
  })
})
