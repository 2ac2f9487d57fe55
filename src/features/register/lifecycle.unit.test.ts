import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { checkTransition, nextStages, type LifecycleContext } from './lifecycle.ts'
import { STAGES, type Stage } from './model.ts'

const none: LifecycleContext = { approved: false, openConditions: 0, screened: false }
const screened: LifecycleContext = { ...none, screened: true }
const approved: LifecycleContext = { approved: true, openConditions: 0, screened: true }
const conditional: LifecycleContext = { approved: true, openConditions: 2, screened: true }

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
        assert.equal(checkTransition(from, to, { approved: false, openConditions: 0, screened: true }).ok, false, `${from} → ${to}`)
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
})
