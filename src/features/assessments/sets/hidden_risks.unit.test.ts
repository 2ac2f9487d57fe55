import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {  } from '../engine.ts'
import type { Answers, GroupItem } from '../engine.ts'
import { allQuestions } from '../questionSet/schema.ts'
import { loadQuestionSet } from '../questionSet/load.ts'
import { caseTableTests } from './caseTable.ts'
import type { Case } from './caseTable.ts'

const set = await loadQuestionSet('content/assessments/hidden_risks/v1.yaml')

/** A risk rated 2 × 2 with an owner, a mitigation and a review date: fires nothing on its own. */
function risk(overrides: Partial<GroupItem> & { category: string }, omit: string[] = []): GroupItem {
  const item: GroupItem = {
    description: 'Staff may stop reading drafts closely once the tool seems reliable.',
    likelihood: '2',
    impact: '2',
    owner: 'Head of Customer Services',
    mitigation: 'Monthly spot checks of a sample of sent replies.',
    review_date: '2026-09-30',
    ...overrides,
  }
  for (const key of omit) delete item[key]
  return item
}

// A well-run workshop: a broad group, reviewers who can challenge the tool, low risks across
// three categories, and a plan to keep watch. Nothing fires.
const quiet: Answers = {
  purpose: "Drafts replies to residents' letters for officers to edit and send.",
  personal_data: false,
  working_group_roles: ['service_lead', 'frontline_staff', 'technical', 'residents_representatives'],
  workshop_date: '2026-03-02',
  adoption_stage: 'adopt',
  human_oversight: 'An officer reads and edits every draft before it is sent.',
  outputs_checked: true,
  reviewers_expertise: true,
  reviewers_time: true,
  reviewers_authority: true,
  risks: [
    risk({ category: 'quality_assurance' }),
    risk({ category: 'workflow_organisational' }),
    risk({ category: 'human_connection_overreliance' }),
  ],
  problem_reporting: true,
  review_cycle: 'quarterly_or_more',
}

const withRisk = (extra: GroupItem): Answers => ({ ...quiet, risks: [...(quiet.risks as GroupItem[]), extra] })

const cases: Case[] = [
  { name: 'a broad workshop with low, managed risks is low', answers: quiet, tier: 'low', flags: [], fired: [] },
  { name: 'nothing answered yet fires nothing', answers: {}, tier: 'low', flags: [], fired: [] },
  {
    name: 'a risk rated 4 × 5 is high (and also counts as medium)',
    answers: withRisk(risk({ category: 'ethics', likelihood: '4', impact: '5', residual_likelihood: '2', residual_impact: '3' })),
    tier: 'high',
    flags: ['high_hidden_risk'],
    fired: ['high_rated_risk', 'medium_rated_risk'],
  },
  {
    name: 'a risk rated 3 × 3 is medium',
    answers: withRisk(risk({ category: 'task_tool_mismatch', likelihood: '3', impact: '3' })),
    tier: 'medium',
    flags: [],
    fired: ['medium_rated_risk'],
  },
  {
    name: 'almost certain but only moderate (5 × 3) is medium, not high',
    answers: withRisk(risk({ category: 'ethics', likelihood: '5', impact: '3' })),
    tier: 'medium',
    flags: [],
    fired: ['medium_rated_risk'],
  },
  {
    name: 'likely but minor (4 × 2) fires nothing',
    answers: withRisk(risk({ category: 'ethics', likelihood: '4', impact: '2' })),
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'a significant risk with no owner is unmanaged',
    answers: withRisk(risk({ category: 'ethics', likelihood: '3', impact: '4' }, ['owner'])),
    tier: 'medium',
    flags: ['risk_unmanaged'],
    fired: ['medium_rated_risk', 'significant_risk_without_owner_or_mitigation'],
  },
  {
    name: 'a significant risk with no mitigation is unmanaged',
    answers: withRisk(risk({ category: 'ethics', likelihood: '4', impact: '4' }, ['mitigation'])),
    tier: 'high',
    flags: ['high_hidden_risk', 'risk_unmanaged'],
    fired: ['high_rated_risk', 'medium_rated_risk', 'significant_risk_without_owner_or_mitigation'],
  },
  {
    name: 'a minor risk without an owner or mitigation is not flagged',
    answers: withRisk(risk({ category: 'ethics' }, ['owner', 'mitigation'])),
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'a risk that stays 4 × 4 after mitigation needs the owner to accept it',
    answers: withRisk(risk({ category: 'ethics', likelihood: '5', impact: '5', residual_likelihood: '4', residual_impact: '4' })),
    tier: 'high',
    flags: ['high_hidden_risk', 'residual_risk_high'],
    fired: ['high_rated_risk', 'medium_rated_risk', 'residual_risk_still_high'],
  },
  {
    name: 'a risk with no review date asks for one',
    answers: withRisk(risk({ category: 'ethics' }, ['review_date'])),
    tier: 'low',
    flags: [],
    fired: ['risk_without_review_date'],
  },
  {
    name: 'risks in only one category (plus "other") suggest the prompts were not all used',
    answers: { ...quiet, risks: [risk({ category: 'quality_assurance' }), risk({ category: 'other' }), risk({ category: 'other' })] },
    tier: 'low',
    flags: [],
    fired: ['few_categories_considered'],
  },
  {
    name: 'reviewers without the time to check: human review is weak',
    answers: { ...quiet, reviewers_time: false },
    tier: 'medium',
    flags: ['human_review_weak'],
    fired: ['human_review_weak', 'reviewers_lack_time'],
  },
  {
    name: 'reviewers without the expertise or authority: each gap gets its own action',
    answers: { ...quiet, reviewers_expertise: false, reviewers_authority: false },
    tier: 'medium',
    flags: ['human_review_weak'],
    fired: ['human_review_weak', 'reviewers_lack_expertise', 'reviewers_lack_authority'],
  },
  {
    name: 'no check of outputs at all; the reviewer questions are then not asked',
    answers: { ...quiet, outputs_checked: false, reviewers_time: false },
    tier: 'medium',
    flags: [],
    fired: ['outputs_not_checked'],
  },
  {
    name: 'two roles, neither users nor residents: the group is narrow on both counts',
    answers: { ...quiet, working_group_roles: ['service_lead', 'technical'] },
    tier: 'low',
    flags: ['working_group_narrow'],
    fired: ['working_group_too_few_roles', 'working_group_without_users_or_residents'],
  },
  {
    name: 'three specialist roles but no users or residents',
    answers: { ...quiet, working_group_roles: ['service_lead', 'security', 'technical'] },
    tier: 'low',
    flags: ['working_group_narrow'],
    fired: ['working_group_without_users_or_residents'],
  },
  {
    name: 'users and residents only: still too few kinds of role',
    answers: { ...quiet, working_group_roles: ['frontline_staff', 'residents_representatives'] },
    tier: 'low',
    flags: ['working_group_narrow'],
    fired: ['working_group_too_few_roles'],
  },
  {
    name: 'personal data with nobody from information governance in the room',
    answers: { ...quiet, personal_data: true },
    tier: 'low',
    flags: [],
    fired: ['personal_data_without_ig'],
  },
  {
    name: 'personal data with the DPO in the room is fine',
    answers: { ...quiet, personal_data: true, working_group_roles: [...(quiet.working_group_roles as string[]), 'ig_dpo'] },
    tier: 'low',
    flags: [],
    fired: [],
  },
  {
    name: 'no way to report problems and no review planned',
    answers: { ...quiet, problem_reporting: false, review_cycle: 'not_planned' },
    tier: 'low',
    flags: ['monitoring_gap'],
    fired: ['no_problem_reporting', 'no_review_planned'],
  },
]

describe('hidden_risks v1', () => {
  caseTableTests(set, cases)

  // src/features/assessments/risks.ts reads these ids and values to build the risk register.
  it('keeps the risks group in the shape the risk register reads', () => {
    const group = allQuestions(set).find((q) => q.id === 'risks')
    assert.ok(group)
    assert.equal(group.kind, 'group')
    assert.equal(group.atrs, 'risks_and_mitigations')
    const fields = new Map((group.fields ?? []).map((f) => [f.id, f]))
    assert.deepEqual(
      [...fields.keys()],
      ['category', 'description', 'likelihood', 'impact', 'owner', 'mitigation', 'residual_likelihood', 'residual_impact', 'review_date'],
    )
    assert.deepEqual(
      fields.get('category')?.options?.map((o) => o.value),
      ['quality_assurance', 'task_tool_mismatch', 'perception_emotions_signalling', 'workflow_organisational', 'ethics', 'human_connection_overreliance', 'other'],
    )
    const kinds = Object.fromEntries([...fields].map(([id, f]) => [id, [f.kind, f.required]]))
    assert.deepEqual(kinds, {
      category: ['single', true],
      description: ['long_text', true],
      likelihood: ['single', true],
      impact: ['single', true],
      owner: ['text', false],
      mitigation: ['long_text', false],
      residual_likelihood: ['single', false],
      residual_impact: ['single', false],
      review_date: ['date', false],
    })
    for (const id of ['likelihood', 'impact', 'residual_likelihood', 'residual_impact']) {
      assert.deepEqual(fields.get(id)?.options?.map((o) => o.value), ['1', '2', '3', '4', '5'], id)
    }
    assert.match(fields.get('likelihood')?.options?.[4]?.label ?? '', /^5 – almost certain$/)
    assert.match(fields.get('impact')?.options?.[4]?.label ?? '', /^5 – severe$/)
  })
})
