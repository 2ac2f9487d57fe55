import assert from 'node:assert/strict'
import { test, describe } from 'node:test'
import { todayIso } from '../../platform/validation.ts'
import { decisionInput, separation, stageAfterDecision } from './model.ts'

describe('where a decision leaves an entry', () => {
  for (const [outcome, stage] of [['approve', 'approved'], ['approve_with_conditions', 'approved'], ['reject', 'rejected'], ['defer', 'awaiting_decision']] as const) {
    test(`${outcome} → ${stage}`, () => assert.equal(stageAfterDecision(outcome), stage))
  }
})

describe('separation of duties', () => {
  const cases: [Parameters<typeof separation>[0], boolean, ReturnType<typeof separation>][] = [
    [[], true, { allowed: true, relaxed: false, stakes: [] }],
    [[], false, { allowed: true, relaxed: false, stakes: [] }],
    [['proposed'], true, { allowed: false, stakes: ['proposed'], reason: 'board.separation.decide.proposed' }],
    [['screened'], true, { allowed: false, stakes: ['screened'], reason: 'board.separation.decide.screened' }],
    [['screened', 'proposed'], true, { allowed: false, stakes: ['proposed', 'screened'], reason: 'board.separation.decide.both' }],
    [['proposed'], false, { allowed: true, relaxed: true, stakes: ['proposed'] }],
    [['proposed', 'screened'], false, { allowed: true, relaxed: true, stakes: ['proposed', 'screened'] }],
  ]
  for (const [stakes, on, expected] of cases) {
    test(`stakes [${stakes.join(', ')}], separation ${on ? 'on' : 'off'}`, () => assert.deepEqual(separation(stakes, on, 'decide'), expected))
  }
  test('closing a condition has its own sentence', () => {
    assert.deepEqual(separation(['proposed'], true, 'close'), { allowed: false, stakes: ['proposed'], reason: 'board.separation.close.proposed' })
  })
})

describe('the review date of a decision', () => {
  const base = { outcome: 'defer', rationale: 'Come back with a DPIA.' }
  test('must be after today', () => {
    const today = todayIso()
    assert.equal(decisionInput.safeParse({ ...base, reviewDate: today }).success, false)
    assert.equal(decisionInput.safeParse({ ...base, reviewDate: '2020-01-01' }).error?.issues[0]?.message, 'board.errors.reviewDatePast')
    assert.equal(decisionInput.safeParse({ ...base, reviewDate: '2199-12-31' }).success, true)
    assert.equal(decisionInput.safeParse({ ...base }).success, true, 'a deferral needs none')
  })
})
