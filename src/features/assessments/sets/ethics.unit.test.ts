import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluate } from '../engine.ts'
import type { Answers } from '../engine.ts'
import { allQuestions } from '../questionSet/schema.ts'
import { loadQuestionSet } from '../questionSet/load.ts'
import { caseTableTests } from './caseTable.ts'
import type { Case } from './caseTable.ts'

const set = await loadQuestionSet('content/assessments/ethics/v1.yaml')

/** The three overarching principles, then the five specific actions, as `<prefix>_score` / `<prefix>_evidence`. */
const PREFIXES = [
  'transparency', 'accountability', 'fairness',
  'public_benefit', 'diverse_expertise', 'legal_compliance', 'data_quality', 'policy_implications',
] as const
type Prefix = (typeof PREFIXES)[number]

/** Every score set to `score` (or as overridden), each with some evidence. */
function scores(score: number, overrides: Partial<Record<Prefix, number>> = {}): Answers {
  const answers: Answers = {}
  for (const p of PREFIXES) {
    answers[`${p}_score`] = overrides[p] ?? score
    answers[`${p}_evidence`] = `Evidence for ${p.replace('_', ' ')}.`
  }
  return answers
}

const cases: Case[] = [
  { name: 'all scores of 4 fire nothing', answers: scores(4), tier: 'low', flags: [], fired: [] },
  { name: 'all scores of 3 are above the threshold', answers: scores(3), tier: 'low', flags: [], fired: [] },
  { name: 'nothing answered yet fires nothing', answers: {}, tier: 'low', flags: [], fired: [] },
  {
    name: 'transparency at 2 needs work',
    answers: scores(4, { transparency: 2 }),
    tier: 'medium',
    flags: ['principle_gap'],
    fired: ['transparency_needs_work'],
  },
  {
    name: 'accountability at 0 needs work',
    answers: scores(5, { accountability: 0 }),
    tier: 'medium',
    flags: ['principle_gap'],
    fired: ['accountability_needs_work'],
  },
  {
    name: 'fairness at 2 needs work but is not yet serious',
    answers: scores(4, { fairness: 2 }),
    tier: 'medium',
    flags: ['principle_gap'],
    fired: ['fairness_needs_work'],
  },
  {
    name: 'fairness at 1 is a serious gap (MUST)',
    answers: scores(4, { fairness: 1 }),
    tier: 'high',
    flags: ['principle_gap', 'serious_fairness_gap'],
    fired: ['fairness_needs_work', 'fairness_serious_gap'],
  },
  {
    name: 'public benefit and diverse expertise at 2 need work',
    answers: scores(4, { public_benefit: 2, diverse_expertise: 2 }),
    tier: 'medium',
    flags: ['action_gap'],
    fired: ['public_benefit_needs_work', 'diverse_expertise_needs_work'],
  },
  {
    name: 'legal compliance at 2 needs work but is not yet serious',
    answers: scores(4, { legal_compliance: 2 }),
    tier: 'medium',
    flags: ['action_gap'],
    fired: ['legal_compliance_needs_work'],
  },
  {
    name: 'legal compliance at 0 is a serious gap (MUST)',
    answers: scores(4, { legal_compliance: 0 }),
    tier: 'high',
    flags: ['action_gap', 'serious_legal_gap'],
    fired: ['legal_compliance_needs_work', 'legal_compliance_serious_gap'],
  },
  {
    name: 'a score of 1 on another principle is not a serious gap',
    answers: scores(4, { transparency: 1 }),
    tier: 'medium',
    flags: ['principle_gap'],
    fired: ['transparency_needs_work'],
  },
  {
    name: 'data quality and wider policy implications need work',
    answers: scores(4, { data_quality: 2, policy_implications: 0 }),
    tier: 'medium',
    flags: ['action_gap'],
    fired: ['data_quality_needs_work', 'policy_implications_needs_work'],
  },
  {
    name: 'three gaps are not yet widespread',
    answers: scores(4, { transparency: 2, data_quality: 2, policy_implications: 2 }),
    tier: 'medium',
    flags: ['principle_gap', 'action_gap'],
    fired: ['transparency_needs_work', 'data_quality_needs_work', 'policy_implications_needs_work'],
  },
  {
    name: 'four gaps out of eight go to the governance board',
    answers: scores(4, { transparency: 2, accountability: 2, data_quality: 2, policy_implications: 2 }),
    tier: 'medium',
    flags: ['principle_gap', 'action_gap'],
    fired: [
      'transparency_needs_work',
      'accountability_needs_work',
      'data_quality_needs_work',
      'policy_implications_needs_work',
      'widespread_gaps',
    ],
  },
]

const sorted = (xs: readonly string[]) => [...xs].sort()

describe('ethics v1', () => {
  caseTableTests(set, cases)

  it('asks each principle and action as a 0-5 score followed by required evidence', () => {
    const questions = allQuestions(set)
    const scored = questions.filter((q) => q.kind === 'scale').map((q) => q.id)
    assert.deepEqual(scored, PREFIXES.map((p) => `${p}_score`))
    for (const p of PREFIXES) {
      const i = questions.findIndex((q) => q.id === `${p}_score`)
      const evidence = questions[i + 1]
      assert.equal(evidence?.id, `${p}_evidence`)
      assert.equal(evidence?.kind, 'long_text')
      assert.equal(evidence?.required, true)
    }
  })

  it('gives a MUST only for serious fairness or legal gaps, and a SHOULD for every gap', () => {
    const outcome = evaluate(set, scores(0))
    const must = outcome.actions.filter((a) => a.level === 'MUST').map((a) => a.ruleId)
    assert.deepEqual(sorted(must), ['fairness_serious_gap', 'legal_compliance_serious_gap'])
    const should = new Set(outcome.actions.filter((a) => a.level === 'SHOULD').map((a) => a.ruleId))
    for (const p of PREFIXES) assert.ok(should.has(`${p}_needs_work`), p)
  })
})
