// A board decision's review date (issue 7, finding 8): a real date after today, or a field error
// naming it; a past date never becomes the entry's next review date.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'
import type { Role } from '../../platform/auth/permissions.ts'
import { type CurrentUser, insertUser } from '../../platform/auth/store.ts'
import { todayIso } from '../../platform/validation.ts'
import { quorateMeeting } from './testkit.ts'

const PASSWORD = 'review-date-test-password'
let t: TestApp
let contributor: CurrentUser
let board: Client
/** The decision form's sitting: a quorate meeting of the council's board, the board member in the chair. */
let sitting: { sitting: string }

before(async () => {
  t = await createTestApp({ demo: false })
  const org = await t.services.organisations.create({
    slug: 'review-council', name: 'Review District Council', contactEmail: null, websiteUrl: null, region: null,
  })
  const make = async (key: string, roles: Role[]) => {
    const email = `${key}@review.example`
    const id = await t.db.transaction((tx) => insertUser(tx, { email, name: key, password: PASSWORD, organisationId: org.id, roles }))
    return { id, email, name: key, organisationId: org.id, organisationName: org.name, organisationSlug: org.slug, roles, via: 'session' as const }
  }
  contributor = await make('contributor', ['contributor', 'assessor'])
  const chair = await make('board', ['board_member'])
  const admin = await make('admin', ['admin'])
  const dpo = await make('dpo', ['assessor'])
  board = await signIn(t.app, 'board@review.example', PASSWORD)
  const { meetingId } = await quorateMeeting(t.services, { admin, chair, dpo, member: contributor })
  sitting = { sitting: `meeting:${meetingId}` }
})
after(() => t.close())

let n = 0
async function awaitingDecision(nextReviewDate: string | null = '2030-05-01'): Promise<string> {
  const entry = await t.services.register.create(contributor, {
    name: `Scheduling assistant ${++n}`, purpose: 'Suggests routes for home care visits.', serviceArea: 'Adult social care',
    owner: 'Head of Home Care', supplier: null, technique: 'Route optimisation', personalData: false, specialCategoryData: false,
    decisionRole: 'assists', peopleAffected: 'Home care staff', humanOversight: 'Coordinators change any route.', nextReviewDate, stage: 'proposed',
  })
  const r = await t.services.assessments.saveScreening(contributor, entry.id, {
    personal_data: false, decision_role: 'informs', prohibited_practices: ['none'], annex_iii_areas: ['none'], public_facing: ['none'], equality_impact: 'no',
  })
  assert.ok(r.ok)
  await t.services.register.transition(contributor, entry.id, 'under_assessment')
  await t.services.register.transition(contributor, entry.id, 'awaiting_decision')
  return entry.id
}

const entryState = async (id: string) =>
  (await t.db.query<{ stage: string; next_review_date: string | null }>('select stage, next_review_date from register_entries where id = $1', [id]))[0]!
const decisions = async (id: string) => (await t.db.query('select 1 from decisions where entry_id = $1', [id])).length

const dateParts = (iso: string) => {
  const [y, m, d] = iso.split('-')
  return { 'reviewDate-day': String(Number(d)), 'reviewDate-month': String(Number(m)), 'reviewDate-year': y! }
}

/** What each outcome needs besides the review date, so that the review date is the only thing wrong. */
const needs = {
  // The entries here have a screening only: the other assessments a low-risk use needs are not started.
  approve: { decidedAnyway: 'Low risk; the other assessments follow before go-live.' },
  defer: { needed: 'The supplier\'s data processing agreement.' },
}

describe('the review date of a board decision', () => {
  const refusedCases: [string, Record<string, string>, RegExp][] = [
    ['a date in the past (1/1/2020)', { 'reviewDate-day': '1', 'reviewDate-month': '1', 'reviewDate-year': '2020' }, /The review date must be in the future/],
    ['today', dateParts(todayIso()), /The review date must be in the future/],
    ['year 0', { 'reviewDate-day': '1', 'reviewDate-month': '1', 'reviewDate-year': '0' }, /Review date must be a real date/],
    ['an impossible date (31/4/2031)', { 'reviewDate-day': '31', 'reviewDate-month': '4', 'reviewDate-year': '2031' }, /Review date must be a real date/],
  ]
  for (const outcome of ['approve', 'defer'] as const) {
    for (const [label, parts, message] of refusedCases) {
      test(`${outcome}: ${label} is refused with a field error, and the entry keeps its review date`, async () => {
        const id = await awaitingDecision()
        await board.get(`/register/${id}/decision`)
        const res = await board.post(`/register/${id}/decision`, { ...sitting, ...needs[outcome], outcome, rationale: 'Looked at it.', ...parts })
        assert.equal(res.statusCode, 400, 'refused')
        assert.equal(res.body.match(/<li>\s*<a href="#/g)?.length, 1, 'the review date is the only error')
        assert.match(res.body, new RegExp(`href="#reviewDate-day">${message.source}`), 'the error summary names the field')
        assert.match(res.body, new RegExp(`id="reviewDate-error"[^>]*>[\\s\\S]*?${message.source}`), 'and so does the field')
        assert.ok(res.body.includes(`name="reviewDate-year" type="text" value="${parts['reviewDate-year']}"`), 'what was typed is kept')
        assert.deepEqual(await entryState(id), { stage: 'awaiting_decision', next_review_date: '2030-05-01' })
        assert.equal(await decisions(id), 0)
      })
    }
  }

  test('tomorrow is accepted and becomes the next review date', async () => {
    const id = await awaitingDecision(null)
    const tomorrow = new Date(`${todayIso()}T12:00:00Z`)
    tomorrow.setUTCDate(tomorrow.getUTCDate() + 1)
    const iso = tomorrow.toISOString().slice(0, 10)
    await board.get(`/register/${id}/decision`)
    const res = await board.post(`/register/${id}/decision`, { ...sitting, ...needs.approve, outcome: 'approve', rationale: 'Fine.', ...dateParts(iso) })
    assert.equal(res.statusCode, 303, res.body.slice(0, 300))
    assert.deepEqual(await entryState(id), { stage: 'approved', next_review_date: iso })
  })
})
