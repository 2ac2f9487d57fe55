/**
 * Test data for the interchange's tests: a complete ATRS v3.0 record as our downloads give it
 * (CSV header and one line), with fields to override. Not used by the app.
 */
import { CSV_COLUMNS, csvHeaderLine, csvRecordLine, fieldByKey } from '../transparency/atrs.ts'

export const TEST_ORG = { name: 'Testshire Council', contactEmail: 'ai@testshire.example' }

/** A complete v3.0 record as our export gives it. */
export function exported(over: Record<string, string> = {}, id = 'testshire/housing-triage'): string {
  const fields: Record<string, string> = {}
  for (const c of CSV_COLUMNS) fields[c] = ''
  Object.assign(fields, {
    title: 'Housing triage', name: 'Housing triage', organisation_name: TEST_ORG.name, phase: 'Production', region: 'North West',
    one_sentence_description: 'Sorts housing requests.', description: 'Sorts housing requests by urgency.', website_url: 'https://www.testshire.example/ai',
    contact_email: 'housing@testshire.example', organisation_or_department: TEST_ORG.name, team: 'Housing', senior_responsible_owner: 'Director of Housing',
    external_supplier_involvement: 'No', scope: 'Housing requests.', benefit: 'Faster help.', process_integration: 'Staff see a suggested order.',
    provided_information: 'A score.', frequency_and_scale_of_usage: 'Daily.', human_decisions_and_review: 'Officers decide.', required_training: 'An hour.',
    system_architecture: 'A rules engine.', maintenance: 'Yearly review.', models: 'One model.', model_name: 'Triage', model_version: '1',
    model_task: 'Rank.', model_input: 'Requests.', model_output: 'A score.', model_architecture: 'Rules.', model_performance: 'Checked.',
    datasets: 'Requests.', dataset_purposes: 'Scoring.', source_data_name: 'Requests', data_modality: 'Tabular', data_description: 'Requests.',
    data_quantities: '1,000.', sensitive_attributes: 'None.', data_completeness_and_representativeness: 'Complete.', source_data_url: 'N/A',
    data_collection: 'Forms.', data_sharing_agreements: 'None.', data_access_and_storage: 'Council servers.', impact_assessment: 'DPIA 2025.',
    risks_and_mitigations: 'Bias: checked.',
  })
  // A repeated specification's fields are kept as their first item (model_name__1).
  const all = Object.entries({ ...fields, ...over }).map(([k, v]): [string, string] => [fieldByKey(k)?.group ? `${k}__1` : k, v])
  const row = { organisationName: TEST_ORG.name, slug: id, version: 2, publishedAt: '2026-03-04T10:00:00Z', fields: Object.fromEntries(all) }
  return csvHeaderLine() + csvRecordLine(row)
}

