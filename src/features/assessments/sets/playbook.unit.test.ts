import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluate, missingRequired } from '../engine.ts'
import type { Answers } from '../engine.ts'
import { allQuestions } from '../questionSet/schema.ts'
import { loadQuestionSet } from '../questionSet/load.ts'
import { caseTableTests } from './caseTable.ts'
import type { Case } from './caseTable.ts'

const set = await loadQuestionSet('content/assessments/playbook/v1.yaml')

const PRINCIPLES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const
type Principle = (typeof PRINCIPLES)[number]

/**
 * Every principle scored `score` (or as overridden), with evidence "yes" for every score of 3
 * or more unless the principle is listed in `noEvidence`.
 */
function scores(score: number, overrides: Partial<Record<Principle, number>> = {}, noEvidence: Principle[] = []): Answers {
  const answers: Answers = {}
  for (const p of PRINCIPLES) {
    const s = overrides[p] ?? score
    answers[`playbook_p${p}_score`] = s
    if (s >= 3) answers[`playbook_p${p}_evidence`] = !noEvidence.includes(p)
  }
  return answers
}

const cases: Case[] = [
  { name: 'every principle at 4 with evidence fires nothing', answers: scores(4), tier: 'low', flags: [], fired: [] },
  { name: 'every principle at 3 with evidence is above the threshold', answers: scores(3), tier: 'low', flags: [], fired: [] },
  { name: 'nothing answered yet fires nothing', answers: {}, tier: 'low', flags: [], fired: [] },
  // One case per principle scored 2: each flags only its own principle.
  ...PRINCIPLES.map(
    (p): Case => ({
      name: `principle ${p} scored 2 needs more work`,
      answers: scores(4, { [p]: 2 }),
      tier: 'medium',
      flags: [`principle_${p}_gap`],
      fired: [`principle_${p}_weak`],
    }),
  ),
  {
    name: 'a score of 3 without the evidence to back it needs more work',
    answers: scores(4, { 4: 3 }, [4]),
    tier: 'medium',
    flags: ['principle_4_gap'],
    fired: ['principle_4_weak'],
  },
  {
    name: 'a high score without evidence needs more work too',
    answers: scores(5, {}, [7]),
    tier: 'medium',
    flags: ['principle_7_gap'],
    fired: ['principle_7_weak'],
  },
  {
    name: 'two weak principles do not yet go to the board',
    answers: scores(4, { 2: 1, 3: 0 }),
    tier: 'medium',
    flags: ['principle_2_gap', 'principle_3_gap'],
    fired: ['principle_2_weak', 'principle_3_weak'],
  },
  {
    name: 'three weak principles (one for lack of evidence) go to the board',
    answers: scores(4, { 1: 2, 8: 0 }, [10]),
    tier: 'medium',
    flags: ['principle_1_gap', 'principle_8_gap', 'principle_10_gap'],
    fired: ['principle_1_weak', 'principle_8_weak', 'principle_10_weak', 'several_principles_weak'],
  },
  {
    name: 'every principle at 0 is still only medium',
    answers: scores(0),
    tier: 'medium',
    flags: PRINCIPLES.map((p) => `principle_${p}_gap`),
    fired: [...PRINCIPLES.map((p) => `principle_${p}_weak`), 'several_principles_weak'],
  },
]

describe('playbook v1', () => {
  caseTableTests(set, cases, { maxTier: 'medium' })

  it('full scores with evidence are complete', () => {
    assert.deepEqual(missingRequired(set, scores(4)), [])
  })


  it('asks each principle as a 0-5 score, then a yes/no on evidence only for a score of 3 or more', () => {
    const questions = allQuestions(set)
    assert.deepEqual(
      questions.filter((q) => q.kind === 'scale').map((q) => q.id),
      PRINCIPLES.map((p) => `playbook_p${p}_score`),
    )
    for (const p of PRINCIPLES) {
      const evidence = questions.find((q) => q.id === `playbook_p${p}_evidence`)
      assert.equal(evidence?.kind, 'yes_no')
      assert.deepEqual(evidence?.condition, { q: `playbook_p${p}_score`, gte: 3 })
      assert.ok(evidence?.frameworks.some((f) => f.ref === `AI Playbook principle ${p}`))
    }
  })

  it('gives each weak principle a SHOULD action and no MUST', () => {
    const outcome = evaluate(set, scores(0))
    assert.deepEqual(outcome.actions.filter((a) => a.level !== 'SHOULD'), [])
    const ruleIds = new Set(outcome.actions.map((a) => a.ruleId))
    for (const p of PRINCIPLES) assert.ok(ruleIds.has(`principle_${p}_weak`), `principle ${p}`)
  })
})
