// The board's quorum and fast-track rules (issue 10) as tables of pure-function cases.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { RiskTier } from '../register/model.ts'
import { evaluateQuorum, fastTrack, type FastTrackVerdict, type QuorumRule, type QuorumVerdict, type Seat, TEMPLATE_QUORUM } from './quorum.ts'

const present = (...seats: Seat[]) => seats.map((seat) => ({ seat }))

describe('evaluateQuorum', () => {
  const chairOrDeputy: Seat[] = ['chair', 'deputy_chair']
  const dpoOrSiro: Seat[] = ['dpo', 'siro']
  const three: QuorumRule = { minPresent: 3, mustInclude: [] }
  // [label, rule, seats present, verdict]
  const cases: [string, QuorumRule, Seat[], QuorumVerdict][] = [
    ['enough voting members, no group required', three, ['member', 'member', 'digital'], { quorate: true, voting: 3, shortfalls: [] }],
    ['more than enough', three, ['member', 'legal', 'finance', 'hr'], { quorate: true, voting: 4, shortfalls: [] }],
    ['too few', three, ['member', 'legal'], { quorate: false, voting: 2, shortfalls: [{ kind: 'tooFew', present: 2, needed: 3 }] }],
    ['nobody', three, [], { quorate: false, voting: 0, shortfalls: [{ kind: 'tooFew', present: 0, needed: 3 }] }],
    ['observers, advisers and the secretary are not counted', three,
      ['member', 'legal', 'councillor_observer', 'independent_adviser', 'secretary'],
      { quorate: false, voting: 2, shortfalls: [{ kind: 'tooFew', present: 2, needed: 3 }] }],
    ['the template rule met with the chair and the DPO', TEMPLATE_QUORUM, ['chair', 'dpo', 'member'], { quorate: true, voting: 3, shortfalls: [] }],
    ['the template rule met with the deputy and the SIRO', TEMPLATE_QUORUM, ['deputy_chair', 'siro', 'finance'], { quorate: true, voting: 3, shortfalls: [] }],
    ['the template rule without the chair or deputy', TEMPLATE_QUORUM, ['dpo', 'member', 'legal'],
      { quorate: false, voting: 3, shortfalls: [{ kind: 'missing', anyOf: chairOrDeputy }] }],
    ['the template rule without the DPO or SIRO', TEMPLATE_QUORUM, ['chair', 'member', 'legal'],
      { quorate: false, voting: 3, shortfalls: [{ kind: 'missing', anyOf: dpoOrSiro }] }],
    ['a non-voting seat does not fill a group either', { minPresent: 1, mustInclude: [['secretary']] }, ['secretary', 'member'],
      { quorate: false, voting: 1, shortfalls: [{ kind: 'missing', anyOf: ['secretary'] }] }],
    ['one-seat groups, each missing', { minPresent: 2, mustInclude: [['legal'], ['finance'], ['cyber']] }, ['legal', 'member'],
      { quorate: false, voting: 2, shortfalls: [{ kind: 'missing', anyOf: ['finance'] }, { kind: 'missing', anyOf: ['cyber'] }] }],
    ['several shortfalls at once: too few and both groups missing', TEMPLATE_QUORUM, ['member', 'councillor_observer'],
      { quorate: false, voting: 1, shortfalls: [{ kind: 'tooFew', present: 1, needed: 3 }, { kind: 'missing', anyOf: chairOrDeputy }, { kind: 'missing', anyOf: dpoOrSiro }] }],
    ['too few although every group is there', TEMPLATE_QUORUM, ['chair', 'dpo'],
      { quorate: false, voting: 2, shortfalls: [{ kind: 'tooFew', present: 2, needed: 3 }] }],
    ['the same seat twice counts twice', { minPresent: 2, mustInclude: [] }, ['member', 'member'], { quorate: true, voting: 2, shortfalls: [] }],
  ]
  for (const [label, rule, seats, verdict] of cases) {
    test(label, () => assert.deepEqual(evaluateQuorum(rule, present(...seats)), verdict, `${label}: the verdict`))
  }

  test('the shortfall names a copy of the group, not the rule itself', () => {
    const rule: QuorumRule = { minPresent: 1, mustInclude: [['dpo']] }
    const v = evaluateQuorum(rule, present('member'))
    const missing = v.shortfalls[0]
    assert.ok(missing?.kind === 'missing', 'the DPO is missing')
    missing.anyOf.push('siro')
    assert.deepEqual(rule.mustInclude, [['dpo']], 'changing the verdict leaves the rule alone')
  })
})

describe('fastTrack', () => {
  const on = { fastTrack: true }
  const off = { fastTrack: false }
  // [label, board, seat, tier, outcome, verdict]: the first reason that fails is the one given.
  const cases: [string, { fastTrack: boolean }, Seat | null, RiskTier | null, string, FastTrackVerdict][] = [
    ['allowed: the chair approves a low-risk use', on, 'chair', 'low', 'approve', { allowed: true }],
    ['allowed: with conditions', on, 'chair', 'low', 'approve_with_conditions', { allowed: true }],
    ['the board does not allow it', off, 'chair', 'low', 'approve', { allowed: false, reason: 'notEnabled' }],
    ['not enabled comes first, before everything else', off, 'member', 'high', 'reject', { allowed: false, reason: 'notEnabled' }],
    ['a member who is not the chair', on, 'member', 'low', 'approve', { allowed: false, reason: 'notChair' }],
    ['the deputy chair', on, 'deputy_chair', 'low', 'approve', { allowed: false, reason: 'notChair' }],
    ['someone not on the board', on, null, 'low', 'approve', { allowed: false, reason: 'notChair' }],
    ['not the chair comes before the tier', on, 'dpo', 'high', 'reject', { allowed: false, reason: 'notChair' }],
    ['a medium-risk use', on, 'chair', 'medium', 'approve', { allowed: false, reason: 'notLowRisk' }],
    ['a high-risk use', on, 'chair', 'high', 'approve', { allowed: false, reason: 'notLowRisk' }],
    ['a prohibited use', on, 'chair', 'prohibited', 'approve', { allowed: false, reason: 'notLowRisk' }],
    ['an unscreened use', on, 'chair', null, 'approve', { allowed: false, reason: 'notLowRisk' }],
    ['the tier comes before the outcome', on, 'chair', 'high', 'reject', { allowed: false, reason: 'notLowRisk' }],
    ['rejecting', on, 'chair', 'low', 'reject', { allowed: false, reason: 'notApproval' }],
    ['deferring', on, 'chair', 'low', 'defer', { allowed: false, reason: 'notApproval' }],
    ['escalating', on, 'chair', 'low', 'escalate', { allowed: false, reason: 'notApproval' }],
    ['noting', on, 'chair', 'low', 'note', { allowed: false, reason: 'notApproval' }],
    ['a review\'s continue', on, 'chair', 'low', 'continue', { allowed: false, reason: 'notApproval' }],
  ]
  for (const [label, board, seat, tier, outcome, verdict] of cases) {
    test(label, () => assert.deepEqual(fastTrack(board, seat, tier, outcome), verdict, `${label}: the verdict`))
  }
})
