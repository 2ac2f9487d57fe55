/**
 * The `atrs:` links of the real question sets: which question feeds which ATRS field, that every
 * allowed key is either fed by some question or listed here as one no answer can fill (and why),
 * and that a linked answer reads as true text on its own once it is placed in the record.
 */
import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { loadCatalogue, type QuestionSetCatalogue } from './catalogue.ts'
import { atrsFieldsFromAnswers } from './engine.ts'
import { ATRS_LINK_KEYS, allQuestions, type Question } from './questionSet/schema.ts'

let catalogue: QuestionSetCatalogue
before(async () => {
  catalogue = await loadCatalogue()
})

/** [set id, question id, ATRS key]: the links added for complete records, and a few older ones. */
const LINKS: [string, string, string][] = [
  ['intake', 'service_area', 'team'],
  ['screening', 'public_facing', 'scope'],
  ['equality', 'public_facing', 'scope'],
  ['equality', 'council_nation', 'region'],
  ['equality', 'characteristic_impacts', 'impact_assessment'],
  ['ethics', 'public_benefit_evidence', 'benefit'],
  ['ethics', 'fairness_evidence', 'model_performance'],
  ['ethics', 'legal_compliance_evidence', 'impact_assessment'],
  ['ethics', 'data_quality_evidence', 'data_completeness_and_representativeness'],
  ['eu_ai_act', 'biometric_purposes', 'model_task'],
  ['hidden_risks', 'review_cycle', 'maintenance'],
  ['procurement', 'data_protection_roles', 'data_access_terms'],
  ['procurement', 'data_location', 'operational_data_access_and_storage'],
  ['procurement', 'explainability', 'provided_information'],
  ['security', 'access_control', 'operational_data_access_and_storage'],
  // Older links, kept.
  ['intake', 'purpose', 'description'],
  ['intake', 'datasets', 'datasets'],
  ['procurement', 'procurement_route', 'procurement_procedure_type'],
  ['security', 'model_origin', 'models'],
  ['hidden_risks', 'risks', 'risks_and_mitigations'],
]

/**
 * ATRS fields that no question's answer can fill today, and why. Keys of ATRS_LINK_KEYS must be
 * linked or listed here; v4.0 keys not yet in ATRS_LINK_KEYS are listed so the gap is on record.
 */
const NOT_LINKED: Record<string, string> = {
  title: 'the register entry name',
  name: 'the register entry name',
  organisation_name: 'the organisation',
  organisation_or_department: 'the organisation',
  one_sentence_description: 'the first sentence of the purpose, drafted from the register entry',
  website_url: "the organisation's settings",
  contact_email: "the organisation's settings",
  senior_responsible_owner: "the register entry's owner; no question asks for a name and role",
  detailed_description: 'drafted from purpose, technique and people affected; no question asks how the tool works in detail',
  previous_process: 'no question asks how the work was done before the tool',
  alternatives_considered: 'only a yes/no (playbook_p6_evidence), which says nothing on its own',
  required_training: 'only yes/no questions (playbook_p9_evidence, ai_security_awareness); "No" would read as "no training needed"',
  appeals_and_review: 'no question asks how the public can challenge an outcome',
  dataset_purposes: 'the datasets group has no training/validation/testing field',
  source_data_name: 'the names are in the datasets group (datasets), which the draft can split by item',
  data_collection: 'where the data comes from is already linked to data_description (data_sources)',
  data_access_and_storage:
    'the questions on storage and access (data_location, access_control) are about data in use, so they feed operational_data_access_and_storage; no question asks about the data the tool was built with',
  // Not in ATRS_LINK_KEYS yet: no question answers them.
  model_architecture: 'technique already feeds system_architecture; gpai_model\'s "No" and "Not sure" say nothing on their own',
  model_input: 'no question asks what the model takes in',
  model_output: 'no question asks what the model gives out',
  system_level_input: 'no question asks for the input of the tool as a whole',
  system_level_output: 'no question asks for the output of the tool as a whole; synthetic_content\'s "None of these" says nothing',
  data_modality: 'no question asks for the kind of data (text, images, tables)',
  data_quantities: 'only people_scale, which already feeds frequency_and_scale_of_usage',
  data_cleaning: 'no question asks about cleaning or preparing the data',
  data_sharing_agreements: 'only a yes/no (processor_contract); the supplier\'s role feeds data_access_terms',
  operational_data_name: 'no question names the data used in operation apart from the datasets group',
  operational_data_description: 'data_sources already feeds data_description',
  operational_sensitive_attributes: 'protected_data_used already feeds sensitive_attributes',
  operational_data_collection: 'activity_logging\'s "No, or we do not know" says nothing on its own',
  operational_data_sharing_agreements: 'only a yes/no (processor_contract)',
}

/** Keys whose ATRS field is itself a yes or no, so a yes/no answer may feed it. */
const YES_NO_FIELDS = new Set(['external_supplier_involvement'])

/** Option labels that say nothing once the question is not beside them. */
const BARE_LABEL = /^(yes|no|both|neither|none of these|none yet|not sure|other)$/i
/** Linked choice questions allowed such a label, and why. */
const BARE_LABEL_ALLOWED: Record<string, string> = {
  protected_data_used: '"None of these" and "Not sure" in the sensitive attributes field read as what they are',
}

function linkedQuestions(): { setId: string; question: Question }[] {
  return catalogue.all().flatMap((set) => allQuestions(set).filter((q) => q.atrs).map((question) => ({ setId: set.id, question })))
}

describe('atrs: links in the question sets', () => {
  for (const [setId, questionId, key] of LINKS) {
    it(`${setId}: ${questionId} feeds ${key}`, () => {
      const question = allQuestions(catalogue.latest(setId)).find((q) => q.id === questionId)
      assert.ok(question, `${setId} asks ${questionId}`)
      assert.equal(question.atrs, key)
    })
  }

  it('links every allowed key, or says why no answer can fill it', () => {
    const linked = new Set(linkedQuestions().map((l) => l.question.atrs))
    const unexplained = ATRS_LINK_KEYS.filter((key) => !linked.has(key) && NOT_LINKED[key] === undefined)
    assert.deepEqual(unexplained, [])
  })

  it('lists as unlinkable only keys that really are not linked', () => {
    const linked = new Set<string>(linkedQuestions().flatMap((l) => (l.question.atrs ? [l.question.atrs] : [])))
    assert.deepEqual(Object.keys(NOT_LINKED).filter((key) => linked.has(key)), [])
  })

  it('feeds a yes/no answer only into a yes/no field', () => {
    const wrong = linkedQuestions()
      .filter((l) => l.question.kind === 'yes_no' && !YES_NO_FIELDS.has(l.question.atrs!))
      .map((l) => `${l.setId}.${l.question.id}`)
    assert.deepEqual(wrong, [])
  })

  it('links a choice question only when each label reads on its own', () => {
    const bare = linkedQuestions()
      .filter((l) => BARE_LABEL_ALLOWED[l.question.id] === undefined)
      .flatMap((l) => (l.question.options ?? []).filter((o) => BARE_LABEL.test(o.label.trim())).map((o) => `${l.setId}.${l.question.id}: ${o.label}`))
    assert.deepEqual(bare, [])
  })
})

describe('atrs: text drafted from the real sets', () => {
  it('procurement: the supplier\'s terms and role are joined, and where the data is kept goes to operational data', () => {
    const fields = atrsFieldsFromAnswers(catalogue.latest('procurement'), {
      supplier_name: 'Example AI Ltd',
      personal_data: true,
      data_access_terms: 'Case notes only, deleted after 30 days.',
      data_protection_roles: 'processor',
      data_location: 'uk_only',
      explainability: 'general_only',
    })
    assert.equal(fields.data_access_terms, "Case notes only, deleted after 30 days.\n\nProcessor: it uses personal data only on the council's instructions")
    assert.equal(fields.operational_data_access_and_storage, 'In the UK only')
    assert.equal(fields.provided_information, 'Only a general explanation of how the tool works')
  })

  it('equality: the nation gives the region, and each characteristic\'s likely effect the impact assessment', () => {
    const fields = atrsFieldsFromAnswers(catalogue.latest('equality'), {
      council_nation: 'wales',
      characteristics_affected: ['age'],
      characteristic_impacts: [{ characteristic: 'age', impact: 'negative', explanation: 'Older residents use the chatbot less.' }],
    })
    assert.equal(fields.region, 'Wales')
    assert.equal(
      fields.impact_assessment,
      'Characteristic: Age; Likely effect: Negative; Why you think so, and what evidence shows it: Older residents use the chatbot less.',
    )
  })

  it('a question that is not asked gives nothing (biometric purposes without biometrics)', () => {
    const fields = atrsFieldsFromAnswers(catalogue.latest('eu_ai_act'), {
      prohibited_practices: ['none'],
      annex_iii_areas: ['none'],
      biometric_purposes: ['remote_identification'],
    })
    assert.equal(fields.model_task, undefined)
  })
})
