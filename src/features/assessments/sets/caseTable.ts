// Shared table-driven tests for a question set's rules. Each *.unit.test.ts in this folder calls
// caseTableTests inside its own describe, then adds the tests specific to its set.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { RISK_TIERS, type RiskTier } from '../../register/model.ts'
import { evaluate, parseAnswers } from '../engine.ts'
import type { Answers } from '../engine.ts'
import { allQuestions } from '../questionSet/schema.ts'
import type { QuestionSet } from '../questionSet/schema.ts'

/** One row of a set's case table: the answers, and the tier, flags and rules they must produce. */
export interface Case {
  name: string
  answers: Answers
  tier: RiskTier
  flags: string[]
  fired: string[]
}

const sorted = (xs: readonly string[]) => [...xs].sort()

/**
 * Registers, in the caller's describe: one test per case (tier, flags and fired rules must match
 * exactly), and checks that the cases use real questions and valid answers, that every rule and
 * every flag in the set is produced by some case, and that cases name only rules that exist.
 */
export function caseTableTests(set: QuestionSet, cases: readonly Case[], opts: { maxTier?: RiskTier } = {}): void {
  const { maxTier } = opts
  if (maxTier) {
    it(`never gives a tier above ${maxTier}`, () => {
      for (const rule of set.rules) {
        if (rule.tier) assert.ok(RISK_TIERS.indexOf(rule.tier) <= RISK_TIERS.indexOf(maxTier), `${rule.id} sets ${rule.tier}`)
      }
    })
  }

  for (const c of cases) {
    it(c.name, () => {
      const outcome = evaluate(set, c.answers)
      assert.equal(outcome.tier, c.tier)
      assert.deepEqual(sorted(outcome.flags.map((f) => f.id)), sorted(c.flags))
      assert.deepEqual(sorted(outcome.firedRules.map((r) => r.id)), sorted(c.fired))
    })
  }

  it('every case uses real question ids and valid answers', () => {
    const ids = new Set(allQuestions(set).map((q) => q.id))
    for (const c of cases) {
      for (const key of Object.keys(c.answers)) assert.ok(ids.has(key), `${c.name}: no question "${key}"`)
      assert.deepEqual(parseAnswers(set, c.answers).errors, {}, c.name)
    }
  })

  it('every rule in the set is fired by at least one case', () => {
    const covered = new Set(cases.flatMap((c) => c.fired))
    assert.deepEqual(set.rules.map((r) => r.id).filter((id) => !covered.has(id)), [])
  })

  it('every case names only rules that exist', () => {
    const ruleIds = new Set(set.rules.map((r) => r.id))
    for (const c of cases) for (const id of c.fired) assert.ok(ruleIds.has(id), `${c.name}: no rule "${id}"`)
  })

  it('every flag is raised by some case', () => {
    const raised = new Set(cases.flatMap((c) => c.flags))
    assert.deepEqual(set.flags.map((f) => f.id).filter((id) => !raised.has(id)), [])
  })
}
