import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isAsked, setApplies } from '../engine.ts'
import type { Answers } from '../engine.ts'
import { allQuestions } from '../questionSet/schema.ts'
import { loadQuestionSet } from '../questionSet/load.ts'
import { caseTableTests } from './caseTable.ts'
import type { Case } from './caseTable.ts'

const set = await loadQuestionSet('content/assessments/procurement/v1.yaml')

// A tool bought from a framework, with good terms and evidence, that gives general insight only
// and uses no personal data: nothing fires.
const quiet: Answers = {
  supplier_name: 'Example Analytics Ltd',
  companies_house_number: '01234567',
  supplier_role: 'Licenses and hosts the software; the council configures it.',
  supply_arrangement: 'product',
  procurement_route: 'framework_call_off',
  procurement_stage: 'contract',
  personal_data: false,
  data_access_terms: 'Read-only access to anonymised waste collection data; deleted at contract end.',
  supplier_training_use: 'not_allowed',
  data_location: 'uk_only',
  ip_ownership: 'council_owns_outputs',
  exit_terms: true,
  decision_role: 'informs',
  bias_testing_evidence: 'results_shared',
  explainability: 'individual',
  atrs_information: true,
  audit_rights: true,
  performance_reporting: true,
}

// The same with personal data, a processor and a compliant processor contract: still nothing.
const personal: Answers = { ...quiet, personal_data: true, data_protection_roles: 'processor', processor_contract: true }

const cases: Case[] = [
  { name: 'good terms and evidence, no personal data: low', answers: quiet, tier: 'low', flags: [], fired: [] },
  { name: 'personal data with a compliant processor contract: low', answers: personal, tier: 'low', flags: [], fired: [] },
  { name: 'nothing answered yet fires nothing', answers: {}, tier: 'low', flags: [], fired: [] },
  {
    name: 'click-through terms instead of a contract',
    answers: { ...quiet, procurement_route: 'free_terms' },
    tier: 'medium',
    flags: ['contract_terms_missing'],
    fired: ['no_contract'],
  },
  {
    name: 'personal data on click-through terms is high',
    answers: { ...personal, procurement_route: 'free_terms' },
    tier: 'high',
    flags: ['contract_terms_missing', 'data_protection_terms_missing'],
    fired: ['no_contract', 'personal_data_without_contract'],
  },
  {
    name: 'controller or processor not agreed',
    answers: { ...personal, data_protection_roles: 'not_agreed', processor_contract: false },
    tier: 'medium',
    flags: ['data_protection_terms_missing'],
    fired: ['data_protection_roles_not_agreed'],
  },
  {
    name: 'a processor contract without the Art 28 terms',
    answers: { ...personal, processor_contract: false },
    tier: 'medium',
    flags: ['data_protection_terms_missing'],
    fired: ['processor_terms_missing'],
  },
  {
    name: 'the processor-terms question is only asked of a processor',
    answers: { ...personal, data_protection_roles: 'joint_controller', processor_contract: false },
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'ownership of outputs and models is unclear',
    answers: { ...quiet, ip_ownership: 'unclear' },
    tier: 'low',
    flags: ['contract_terms_missing'],
    fired: ['ip_ownership_unclear'],
  },
  {
    name: 'no exit terms in a contract already signed',
    answers: { ...quiet, exit_terms: false, procurement_stage: 'in_contract' },
    tier: 'low',
    flags: ['contract_terms_missing'],
    fired: ['no_exit_terms', 'terms_missing_after_signature'],
  },
  {
    name: 'no audit rights or performance reporting while the contract is being agreed',
    answers: { ...quiet, audit_rights: false, performance_reporting: false },
    tier: 'low',
    flags: ['contract_terms_missing'],
    fired: ['no_audit_rights', 'no_performance_reporting'],
  },
  {
    name: 'a signed contract with every term in place needs no change',
    answers: { ...quiet, procurement_stage: 'in_contract' },
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'the supplier may train its products on council data',
    answers: { ...quiet, supplier_training_use: 'allowed' },
    tier: 'medium',
    flags: ['data_reuse'],
    fired: ['supplier_may_reuse_data'],
  },
  {
    name: 'not knowing whether the supplier trains on personal data is high',
    answers: { ...personal, supplier_training_use: 'not_known' },
    tier: 'high',
    flags: ['data_reuse'],
    fired: ['supplier_may_reuse_data', 'supplier_may_reuse_personal_data'],
  },
  {
    name: 'reuse only with written agreement is fine',
    answers: { ...personal, supplier_training_use: 'with_agreement' },
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'personal data processed in other countries needs transfer safeguards',
    answers: { ...personal, data_location: 'other_countries' },
    tier: 'medium',
    flags: ['data_location_risk'],
    fired: ['personal_data_outside_uk'],
  },
  {
    name: 'non-personal data abroad is not a transfer',
    answers: { ...quiet, data_location: 'other_countries' },
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'not knowing where data goes',
    answers: { ...quiet, data_location: 'not_known' },
    tier: 'low',
    flags: ['data_location_risk'],
    fired: ['data_location_unknown'],
  },
  {
    name: 'claims of bias testing without results',
    answers: { ...quiet, bias_testing_evidence: 'claims_only' },
    tier: 'medium',
    flags: ['bias_evidence_missing'],
    fired: ['bias_evidence_missing'],
  },
  {
    name: 'no bias evidence for a tool that helps staff decide about people is high (Bridges)',
    answers: { ...quiet, bias_testing_evidence: 'not_asked', decision_role: 'assists' },
    tier: 'high',
    flags: ['bias_evidence_missing'],
    fired: ['bias_evidence_missing', 'bias_evidence_missing_for_decisions'],
  },
  {
    name: 'no explanation at all for a tool that only informs',
    answers: { ...quiet, explainability: 'none' },
    tier: 'low',
    flags: ['explainability_gap'],
    fired: ['no_explanation'],
  },
  {
    name: 'only a general explanation for automated decisions',
    answers: { ...quiet, explainability: 'general_only', decision_role: 'automates' },
    tier: 'medium',
    flags: ['explainability_gap'],
    fired: ['decisions_without_individual_explanation'],
  },
  {
    name: 'no explanation for decisions staff make with the tool',
    answers: { ...quiet, explainability: 'none', decision_role: 'assists' },
    tier: 'medium',
    flags: ['explainability_gap'],
    fired: ['no_explanation', 'decisions_without_individual_explanation'],
  },
  {
    name: 'the supplier will not provide ATRS information',
    answers: { ...quiet, atrs_information: false },
    tier: 'low',
    flags: [],
    fired: ['no_atrs_information'],
  },
]

describe('procurement v1', () => {
  caseTableTests(set, cases)

  it('applies only when a supplier is involved', () => {
    assert.equal(setApplies(set, { supplier_involved: true }), true)
    assert.equal(setApplies(set, { supplier_involved: false }), false)
    assert.equal(setApplies(set, {}), false)
  })

  it('asks for the supplier name and role without asking about supplier involvement again', () => {
    assert.equal(isAsked(set, 'supplier_name', {}), true)
    assert.equal(isAsked(set, 'supplier_role', {}), true)
    assert.ok(!allQuestions(set).some((q) => q.id === 'supplier_involved'))
  })

  it('feeds the ATRS supplier fields', () => {
    const atrs = Object.fromEntries(allQuestions(set).filter((q) => q.atrs).map((q) => [q.id, q.atrs]))
    assert.equal(atrs.supplier_name, 'external_supplier')
    assert.equal(atrs.companies_house_number, 'companies_house_number')
    assert.equal(atrs.supplier_role, 'external_supplier_role')
    assert.equal(atrs.procurement_route, 'procurement_procedure_type')
    assert.equal(atrs.data_access_terms, 'data_access_terms')
    const ch = allQuestions(set).find((q) => q.id === 'companies_house_number')
    assert.equal(ch?.kind, 'text')
    assert.match(ch?.hint ?? '', /Eight characters/)
  })
})
