import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { blockingActions, checkTransition, nextStages, type LifecycleContext } from './lifecycle.ts'
import { STAGES, type Stage } from './model.ts'

const none: LifecycleContext = { approved: false, openConditions: 0, screened: false, openMustActions: [], acceptedOpenActions: [] }
const screened: LifecycleContext = { ...none, screened: true }
const approved: LifecycleContext = { ...none, approved: true, screened: true }
const conditional: LifecycleContext = { ...approved, openConditions: 2 }
const dpia = { id: 'a1', text: 'Complete a DPIA.' }
const eia = { id: 'a2', text: 'Do an equality impact assessment.' }
/** Approved, with MUST actions still open. */
const openMust: LifecycleContext = { ...approved, openMustActions: [dpia, eia] }
/** The board accepted leaving one of them open. */
const oneAccepted: LifecycleContext = { ...openMust, acceptedOpenActions: ['a1'] }
const bothAccepted: LifecycleContext = { ...openMust, acceptedOpenActions: ['a1', 'a2'] }

describe('lifecycle guards', () => {
  const cases: [Stage, Stage, LifecycleContext, true | string][] = [
    ['idea', 'proposed', none, true],
    ['idea', 'live', approved, 'lifecycle.notAllowed'],
    ['proposed', 'under_assessment', none, true],
    ['proposed', 'approved', approved, 'lifecycle.notAllowed'],
    ['under_assessment', 'awaiting_decision', none, 'lifecycle.needsScreening'],
    ['under_assessment', 'awaiting_decision', screened, true],
    ['awaiting_decision', 'approved', approved, 'lifecycle.notAllowed'],
    ['awaiting_decision', 'rejected', none, 'lifecycle.notAllowed'],
    ['awaiting_decision', 'under_assessment', none, true],
    ['approved', 'pilot', none, 'lifecycle.needsApproval'],
    ['approved', 'pilot', approved, true],
    ['approved', 'pilot', conditional, true],
    ['approved', 'live', approved, true],
    ['approved', 'live', conditional, 'lifecycle.openConditions'],
    ['pilot', 'live', conditional, 'lifecycle.openConditions'],
    ['pilot', 'live', approved, true],
    ['pilot', 'live', { ...approved, approved: false }, 'lifecycle.needsApproval'],
    ['rejected', 'pilot', none, 'lifecycle.notAllowed'],
    ['rejected', 'proposed', none, true],
    ['live', 'retired', approved, true],
    ['retired', 'live', approved, 'lifecycle.notAllowed'],
    ['live', 'live', approved, 'lifecycle.sameStage'],
  ]
  for (const [from, to, ctx, expected] of cases) {
    test(`${from} → ${to} ${JSON.stringify(ctx)} gives ${expected === true ? 'ok' : expected}`, () => {
      const r = checkTransition(from, to, ctx)
      if (expected === true) assert.deepEqual(r, { ok: true })
      else assert.deepEqual(r, { ok: false, reason: expected })
    })
  }

  test('nothing reaches pilot or live without an approval, from any stage', () => {
    for (const from of STAGES) {
      for (const to of ['pilot', 'live'] as const) {
        assert.equal(checkTransition(from, to, { ...screened, approved: false }).ok, false, `${from} → ${to}`)
      }
    }
  })

  test('approval and rejection are never manual moves', () => {
    for (const from of STAGES) {
      for (const to of ['approved', 'rejected'] as const) assert.equal(checkTransition(from, to, approved).ok, false)
    }
  })

  test('nextStages lists each move with its guard result', () => {
    const moves = nextStages('approved', conditional)
    assert.deepEqual(moves.map((m) => [m.stage, m.check.ok]), [['pilot', true], ['live', false], ['retired', true]])
    assert.deepEqual(nextStages('retired', approved), [])
  })

  test('nextStages names the open MUST actions on each move they block', () => {
    const moves = nextStages('approved', openMust)
    assert.deepEqual(moves.map((m) => [m.stage, m.check.ok]), [['pilot', false], ['live', false], ['retired', true]], 'pilot and live are blocked')
    const pilot = moves[0]!.check
    assert.ok(!pilot.ok && pilot.vars?.actions.includes('Complete a DPIA.'), 'the refusal names the action')
  })
})

describe('open MUST actions keep an entry out of pilot and live', () => {
  const both = { count: 2, actions: '‘Complete a DPIA.’; ‘Do an equality impact assessment.’' }
  const justEia = { count: 1, actions: '‘Do an equality impact assessment.’' }
  const cases: [string, Stage, Stage, LifecycleContext, true | { reason: string; vars?: typeof both }][] = [
    ['none open: pilot', 'approved', 'pilot', approved, true],
    ['none open: live', 'pilot', 'live', approved, true],
    ['two open: pilot refused naming both', 'approved', 'pilot', openMust, { reason: 'lifecycle.openMustActions', vars: both }],
    ['two open: live refused naming both', 'approved', 'live', openMust, { reason: 'lifecycle.openMustActions', vars: both }],
    ['two open: pilot to live refused', 'pilot', 'live', openMust, { reason: 'lifecycle.openMustActions', vars: both }],
    ['one accepted: the other still refuses', 'approved', 'pilot', oneAccepted, { reason: 'lifecycle.openMustActions', vars: justEia }],
    ['both accepted by the board: pilot', 'approved', 'pilot', bothAccepted, true],
    ['both accepted by the board: live', 'pilot', 'live', bothAccepted, true],
    ['an acceptance of another action does not count', 'approved', 'pilot', { ...openMust, acceptedOpenActions: ['zz'] }, { reason: 'lifecycle.openMustActions', vars: both }],
    ['open actions do not block retiring', 'pilot', 'retired', openMust, true],
    ['open actions do not block awaiting a decision', 'under_assessment', 'awaiting_decision', { ...openMust, approved: false }, true],
    ['approval is checked first', 'approved', 'pilot', { ...openMust, approved: false }, { reason: 'lifecycle.needsApproval' }],
    ['open conditions are checked before actions for live', 'pilot', 'live', { ...openMust, openConditions: 1 }, { reason: 'lifecycle.openConditions' }],
  ]
  for (const [name, from, to, ctx, expected] of cases) {
    test(`${name} (${from} → ${to})`, () => {
      const r = checkTransition(from, to, ctx)
      if (expected === true) assert.deepEqual(r, { ok: true }, `${from} → ${to} is allowed`)
      else assert.deepEqual(r, { ok: false, ...expected }, `${from} → ${to} is refused with ${expected.reason}`)
    })
  }

  test('blockingActions leaves out what the board accepted', () => {
    assert.deepEqual(blockingActions(oneAccepted), [eia], 'only the action not accepted blocks')
    assert.deepEqual(blockingActions(bothAccepted), [], 'nothing blocks')
  })
})
