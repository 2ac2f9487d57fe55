import assert from 'node:assert/strict'
import { test, describe } from 'node:test'
import { todayIso } from '../../platform/validation.ts'
import type { Stage } from '../register/model.ts'
import { type DecisionOutcome, decisionInput, separation, stageAfterDecision } from './model.ts'

describe('where a decision leaves an entry', () => {
  // First decisions, on an entry awaiting one.
  const cases: [DecisionOutcome, Stage, Stage][] = [
    ['approve', 'awaiting_decision', 'approved'],
    ['approve_with_conditions', 'awaiting_decision', 'approved'],
    ['reject', 'awaiting_decision', 'rejected'],
    ['defer', 'awaiting_decision', 'awaiting_decision'],
    ['escalate', 'awaiting_decision', 'awaiting_decision'],
    ['note', 'awaiting_decision', 'awaiting_decision'],
    // Review decisions, on an approved use: continue and change keep it where it is.
    ['continue', 'approved', 'approved'],
    ['continue', 'pilot', 'pilot'],
    ['continue', 'live', 'live'],
    ['change', 'approved', 'approved'],
    ['change', 'pilot', 'pilot'],
    ['change', 'live', 'live'],
    ['retire', 'live', 'retired'],
    ['retire', 'pilot', 'retired'],
  ]
  for (const [outcome, current, stage] of cases) {
    test(`${outcome} from ${current} → ${stage}`, () =>
      assert.equal(stageAfterDecision(outcome, current), stage, `${outcome} from ${current} leaves the entry ${stage}`))
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
    test(`stakes [${stakes.join(', ')}], separation ${on ? 'on' : 'off'}`, () =>
      assert.deepEqual(separation(stakes, on, 'decide'), expected, 'the verdict'))
  }
  test('closing a condition has its own sentence', () => {
    assert.deepEqual(separation(['proposed'], true, 'close'), { allowed: false, stakes: ['proposed'], reason: 'board.separation.close.proposed' }, 'the verdict')
  })
})

const MEETING = { kind: 'meeting', meetingId: '11111111-1111-4111-8111-111111111111' } as const
const OWNER = '22222222-2222-4222-8222-222222222222'

/** A day `days` from today (in the UK), as YYYY-MM-DD. */
function dayFromToday(days: number): string {
  const d = new Date(`${todayIso()}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The problems a decision has, as "path: message" (none when it parses). */
function problems(input: Record<string, unknown>): string[] {
  const r = decisionInput.safeParse(input)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('the review date of a decision', () => {
  const base = { sitting: MEETING, outcome: 'defer', rationale: 'Come back with a DPIA.', needed: 'A DPIA.' }
  test('must be after today', () => {
    const today = todayIso()
    assert.equal(decisionInput.safeParse({ ...base, reviewDate: today }).success, false, 'today is refused')
    assert.equal(decisionInput.safeParse({ ...base, reviewDate: '2020-01-01' }).error?.issues[0]?.message, 'board.errors.reviewDatePast', 'a past date is refused')
    assert.equal(decisionInput.safeParse({ ...base, reviewDate: '2199-12-31' }).success, true, 'a future date is accepted')
    assert.equal(decisionInput.safeParse({ ...base }).success, true, 'a deferral needs none')
  })
})

describe('what each kind of decision needs', () => {
  const reviewDate = dayFromToday(365)
  const condition = { text: 'Complete the DPIA', ownerId: OWNER, dueDate: dayFromToday(30) }
  const base = { sitting: MEETING, rationale: 'The board looked at the full picture.' }
  // [label, input, the problems expected (empty: it parses)]
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['approve with a review date', { ...base, outcome: 'approve', reviewDate }, []],
    ['approve without a review date', { ...base, outcome: 'approve' }, ['reviewDate: board.errors.reviewDateRequired']],
    ['no sitting', { rationale: base.rationale, outcome: 'approve', reviewDate }, ['sitting: board.errors.sitting']],
    ['a sitting that is not a meeting or a chair\'s action', { ...base, sitting: { kind: 'lunch', meetingId: MEETING.meetingId }, outcome: 'approve', reviewDate },
      ['sitting.kind: board.errors.sitting']],
    ['a meeting id that is not an id', { ...base, sitting: { kind: 'meeting', meetingId: 'x' }, outcome: 'approve', reviewDate }, ['sitting.meetingId: board.errors.sitting']],
    ['chair\'s action', { ...base, sitting: { kind: 'chair', boardId: OWNER }, outcome: 'approve', reviewDate }, []],
    ['defer with what is needed', { ...base, outcome: 'defer', needed: 'A DPIA signed off by the DPO.' }, []],
    ['defer without what is needed', { ...base, outcome: 'defer' }, ['needed: board.errors.needed']],
    ['defer with a blank "needed"', { ...base, outcome: 'defer', needed: '   ' }, ['needed: board.errors.needed']],
    ['escalate with where to and a reference', { ...base, outcome: 'escalate', escalatedTo: 'cabinet', escalationRef: 'CAB/2026/04' }, []],
    ['escalate without where to', { ...base, outcome: 'escalate', escalationRef: 'CAB/2026/04' }, ['escalatedTo: board.errors.escalatedTo']],
    ['escalate without a reference', { ...base, outcome: 'escalate', escalatedTo: 'committee' }, ['escalationRef: board.errors.escalationRef']],
    ['escalate with neither', { ...base, outcome: 'escalate' }, ['escalatedTo: board.errors.escalatedTo', 'escalationRef: board.errors.escalationRef']],
    ['escalate to somewhere not on the list', { ...base, outcome: 'escalate', escalatedTo: 'the press', escalationRef: 'X' }, ['escalatedTo: board.errors.escalatedTo']],
    ['note', { ...base, outcome: 'note' }, []],
    ['reject', { ...base, outcome: 'reject' }, []],
    ['approve with conditions and one condition', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [condition] }, []],
    ['approve with conditions and none', { ...base, outcome: 'approve_with_conditions', reviewDate }, ['conditions: board.errors.conditions']],
    ['approve with conditions and an empty list', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [] }, ['conditions: board.errors.conditions']],
    ['a review\'s change needs a condition', { ...base, outcome: 'change', reviewDate }, ['conditions: board.errors.conditions']],
    ['a review\'s change with a condition', { ...base, outcome: 'change', reviewDate, conditions: [condition] }, []],
    ['a review\'s continue', { ...base, outcome: 'continue', reviewDate }, []],
    ['a review\'s retire', { ...base, outcome: 'retire' }, []],
    ['approve (unconditional) with a condition', { ...base, outcome: 'approve', reviewDate, conditions: [condition] }, ['conditions: board.errors.conditionsNotHere']],
    ['reject with a condition', { ...base, outcome: 'reject', conditions: [condition] }, ['conditions: board.errors.conditionsNotHere']],
    ['defer with a condition', { ...base, outcome: 'defer', needed: 'A DPIA.', conditions: [condition] }, ['conditions: board.errors.conditionsNotHere']],
    ['continue with a condition', { ...base, outcome: 'continue', reviewDate, conditions: [condition] }, ['conditions: board.errors.conditionsNotHere']],
    ['a condition without an owner', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [{ text: condition.text, dueDate: condition.dueDate }] },
      ['conditions.0.ownerId: board.errors.conditionOwner']],
    ['a condition whose owner is not an id', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [{ ...condition, ownerId: 'Bob' }] },
      ['conditions.0.ownerId: board.errors.conditionOwner']],
    ['a condition without words', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [{ ...condition, text: '  ' }] },
      ['conditions.0.text: board.errors.conditionText']],
    ['a condition due yesterday', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [{ ...condition, dueDate: dayFromToday(-1) }] },
      ['conditions.0.dueDate: board.errors.conditionDuePast']],
    ['a condition due in 2020', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [{ ...condition, dueDate: '2020-01-01' }] },
      ['conditions.0.dueDate: board.errors.conditionDuePast']],
    ['a condition due today', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [{ ...condition, dueDate: todayIso() }] }, []],
    ['a condition due on an impossible date', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [{ ...condition, dueDate: '2031-04-31' }] },
      ['conditions.0.dueDate: board.errors.conditionDue']],
    ['a condition with no due date', { ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [{ text: condition.text, ownerId: OWNER }] },
      ['conditions.0.dueDate: board.errors.conditionDue']],
    ['the second condition without an owner', {
      ...base, outcome: 'approve_with_conditions', reviewDate, conditions: [condition, { text: 'Run a bias test', dueDate: condition.dueDate }],
    }, ['conditions.1.ownerId: board.errors.conditionOwner']],
    ['an outcome not on the list', { ...base, outcome: 'maybe' }, ['outcome: board.errors.outcome']],
    ['an empty rationale', { ...base, rationale: ' ', outcome: 'note' }, ['rationale: board.errors.rationale']],
    ['accepting open actions without an approval', { ...base, outcome: 'reject', acceptedActions: ['a'], acceptanceReason: 'Why' },
      ['acceptedActions: board.errors.acceptOnlyApproving']],
    ['accepting open actions without a reason', { ...base, outcome: 'approve', reviewDate, acceptedActions: ['a'] },
      ['acceptanceReason: board.errors.acceptanceReason']],
  ]
  for (const [label, input, expected] of cases) {
    test(label, () => assert.deepEqual(problems(input), expected, `${label}: ${expected.length ? expected.join(', ') : 'accepted'}`))
  }

  test('what is only for one outcome is kept as given, and the optional parts default to none', () => {
    const r = decisionInput.parse({ ...base, outcome: 'defer', needed: ' A DPIA. ', minutesRef: 'AIB/2026/04', decidedAnyway: '' })
    assert.deepEqual(
      [r.needed, r.minutesRef, r.decidedAnyway, r.escalatedTo, r.escalationRef, r.reviewDate, r.conditions, r.acceptedActions],
      ['A DPIA.', 'AIB/2026/04', null, null, null, null, [], []],
      'trimmed, blanks as null, lists empty',
    )
  })
})
