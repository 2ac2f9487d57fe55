import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { as, type Client, createTestApp, entryId, signIn, type TestApp } from '../../../test/support/app.ts'

let t: TestApp
let board: Client
let contributor: Client
before(async () => {
  t = await createTestApp()
  board = await signIn(t.app, as.northmoor('board-member'))
  contributor = await signIn(t.app, as.northmoor('contributor'))
})
after(() => t.close())

const approve = {
  outcome: 'approve', rationale: 'Benefits outweigh the risks with human review.',
  'reviewDate-day': '1', 'reviewDate-month': '6', 'reviewDate-year': '2027',
}
const stageOf = async (id: string) =>
  (await t.db.query<{ stage: string; next_review_date: string | null }>('select stage, next_review_date from register_entries where id = $1', [id]))[0]!

describe('board decisions', () => {
  test('only board members may decide', async () => {
    const id = await entryId(t.db, 'Rent arrears prioritisation model')
    assert.equal((await contributor.get(`/register/${id}/decision`)).statusCode, 403)
    assert.equal((await contributor.post(`/register/${id}/decision`, approve)).statusCode, 403)
    const admin = await signIn(t.app, as.northmoor('admin'))
    assert.equal((await admin.post(`/register/${id}/decision`, approve)).statusCode, 403)
    assert.equal((await stageOf(id)).stage, 'awaiting_decision')
  })

  test('a decision needs an outcome, a rationale, a review date for approval, and conditions when conditional', async () => {
    const id = await entryId(t.db, 'Rent arrears prioritisation model')
    const res = await board.post(`/register/${id}/decision`, { outcome: 'approve_with_conditions', rationale: '' })
    assert.equal(res.statusCode, 400)
    assert.match(res.body, /Enter the rationale/)
    assert.match(res.body, /Enter at least one condition/)
    assert.match(res.body, /href="#reviewDate-day">Enter a review date for an approval/)
    assert.equal((await stageOf(id)).stage, 'awaiting_decision')
  })

  test('approve with conditions: the entry is approved, conditions open, and live is blocked until they are met', async () => {
    const id = await entryId(t.db, 'Rent arrears prioritisation model')
    const res = await board.post(`/register/${id}/decision`, {
      ...approve, outcome: 'approve_with_conditions', conditions: 'Complete the DPIA\r\n\r\nRun a bias test on tenant groups',
    })
    assert.equal(res.statusCode, 303)
    assert.deepEqual(await stageOf(id), { stage: 'approved', next_review_date: '2027-06-01' })
    const conditions = await t.db.query<{ id: string; text: string }>("select id, text from decision_conditions where entry_id = $1 and status = 'open' order by text", [id])
    assert.deepEqual(conditions.map((c) => c.text), ['Complete the DPIA', 'Run a bias test on tenant groups'])

    await contributor.post(`/register/${id}/stage`, { stage: 'live' })
    assert.equal((await stageOf(id)).stage, 'approved')

    // A contributor cannot close conditions; a board member can.
    assert.equal((await contributor.post(`/register/${id}/conditions/${conditions[0]!.id}`, { status: 'met' })).statusCode, 403)
    await board.get(`/register/${id}`)
    await board.post(`/register/${id}/conditions/${conditions[0]!.id}`, { status: 'met' })
    await board.post(`/register/${id}/conditions/${conditions[1]!.id}`, { status: 'waived' })
    await contributor.get(`/register/${id}`)
    await contributor.post(`/register/${id}/stage`, { stage: 'live' })
    assert.equal((await stageOf(id)).stage, 'live')
    const page = await contributor.get(`/register/${id}`)
    assert.match(page.body, /Board decision recorded/)
    assert.match(page.body, /Condition met/)
  })

  test('an entry not awaiting a decision cannot be decided', async () => {
    const id = await entryId(t.db, 'Website chatbot')
    const res = await board.post(`/register/${id}/decision`, approve)
    assert.equal(res.statusCode, 409)
    assert.match(res.body, /Only entries awaiting a decision can be decided/)
    assert.equal((await t.db.query('select 1 from decisions where entry_id = $1', [id])).length, 0)
  })

  test('defer keeps it waiting; reject moves it to rejected', async () => {
    const id = await entryId(t.db, 'Meeting transcription for social workers')
    const rb = await signIn(t.app, as.riverside('board-member'))
    await rb.get(`/register/${id}/decision`)
    assert.equal((await rb.post(`/register/${id}/decision`, { outcome: 'defer', rationale: 'Need the DPIA first.' })).statusCode, 303)
    assert.equal((await stageOf(id)).stage, 'awaiting_decision')
    assert.equal((await rb.post(`/register/${id}/decision`, { outcome: 'reject', rationale: 'Too risky.' })).statusCode, 303)
    assert.equal((await stageOf(id)).stage, 'rejected')
  })

  test('a prohibited use cannot be approved', async () => {
    const id = await entryId(t.db, 'Council tax enquiry email triage')
    await t.db.query("update register_entries set stage = 'awaiting_decision', risk_tier = 'prohibited' where id = $1", [id])
    const rb = await signIn(t.app, as.riverside('board-member'))
    const res = await rb.post(`/register/${id}/decision`, approve)
    assert.equal(res.statusCode, 409)
    assert.match(res.body, /prohibited practice/)
  })

  test('another council’s board member gets 404', async () => {
    const id = await entryId(t.db, 'Meeting notes and actions assistant')
    const rb = await signIn(t.app, as.riverside('board-member'))
    assert.equal((await rb.post(`/register/${id}/decision`, approve)).statusCode, 404)
  })
})
