import assert from 'node:assert/strict'
import { test, describe } from 'node:test'
import { stageAfterDecision } from './model.ts'

describe('where a decision leaves an entry', () => {
  for (const [outcome, stage] of [['approve', 'approved'], ['approve_with_conditions', 'approved'], ['reject', 'rejected'], ['defer', 'awaiting_decision']] as const) {
    test(`${outcome} → ${stage}`, () => assert.equal(stageAfterDecision(outcome), stage))
  }
})
