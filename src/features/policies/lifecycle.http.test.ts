// The policy lifecycle through HTTP, as people use it: adopt a template, edit with a preview that
// needs no JavaScript, submit, approve (never by the author) or return with comments, publish with
// an effective and a review date, revise, compare. Each denial is checked too.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Client, createTestApp, fieldValue, shown, type TestApp } from '../../../test/support/app.ts'
import { makeOrganisation, makePerson, makeTeam, type Person, signInAs, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let otherTeam: Team
let admin2: Person
let admin: Client, admin2c: Client, board: Client, viewer: Client, contributor: Client, otherAdmin: Client

const location = (res: { headers: Record<string, unknown> }) => (typeof res.headers.location === 'string' ? res.headers.location : '')
const policyIdFrom = (loc: string) => /\/policies\/([0-9a-f-]{36})/.exec(loc)?.[1] ?? ''

async function adopt(c: Client, template = 'acceptable_use'): Promise<string> {
  await c.get('/policies')
  const res = await c.post('/policies', { template })
  assert.equal(res.statusCode, 303, res.body.slice(0, 500))
  return policyIdFrom(location(res))
}

const publishForm = (effective: string, review: string) => {
  const [ey, em, ed] = effective.split('-')
  const [ry, rm, rd] = review.split('-')
  return {
    'effectiveDate-day': ed ?? '', 'effectiveDate-month': em ?? '', 'effectiveDate-year': ey ?? '',
    'reviewDate-day': rd ?? '', 'reviewDate-month': rm ?? '', 'reviewDate-year': ry ?? '',
  }
}

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  otherTeam = await makeTeam(t, await makeOrganisation(t))
  admin2 = await makePerson(t, team.org, ['admin'])
  ;[admin, admin2c, board, viewer, contributor, otherAdmin] = await Promise.all([
    signInAs(t, team.admin), signInAs(t, admin2), signInAs(t, team.board), signInAs(t, team.viewer), signInAs(t, team.contributor),
    signInAs(t, otherTeam.admin),
  ])
})
after(async () => t.close())

describe('policies: adopt, edit and preview', () => {
  it('an admin adopts a template: a draft with the template’s text, unset names listed', async () => {
    const id = await adopt(admin)
    const page = await admin.get(`/policies/${id}/edit`)
    assert.equal(page.statusCode, 200)
    assert.equal(fieldValue(page.body, 'title'), 'Acceptable use of generative AI')
    assert.match(fieldValue(page.body, 'body') ?? '', /\{\{siro\}\}/, 'the draft keeps its placeholders')
    assert.ok(page.body.includes(shown('policies.placeholder.unset', { list: 'SIRO, DPO contact, AI lead, Board name' })), 'the unset names are listed')
    const list = await viewer.get('/policies')
    assert.equal(list.statusCode, 200)
    assert.ok(list.body.includes('Acceptable use of generative AI'))
  })

  it('an admin starts a blank policy; an unknown template is a field error', async () => {
    const id = await adopt(admin, 'blank')
    const page = await admin.get(`/policies/${id}/edit`)
    assert.equal(fieldValue(page.body, 'title'), 'New policy')
    const bad = await admin.post('/policies', { template: 'no_such_template' })
    assert.equal(bad.statusCode, 400)
    assert.ok(bad.body.includes(shown('policies.errors.template')))
    assert.ok(bad.body.includes('href="#template"'))
  })

  it('Preview re-renders the page with the rendered text and the typed text kept, saving nothing', async () => {
    const id = await adopt(admin, 'blank')
    await admin.get(`/policies/${id}/edit`)
    const typed = '# Our rules\n\nBe **careful** at {{council_name}}. <script>alert(1)</script> [x](javascript:alert(1))'
    const res = await admin.post(`/policies/${id}/edit`, { title: 'Rules', body: typed, action: 'preview' })
    assert.equal(res.statusCode, 200)
    assert.ok(res.body.includes(shown('policies.edit.previewHeading')))
    assert.match(res.body, /<h2 class="govuk-heading-l">Our rules<\/h2>/)
    assert.match(res.body, /<strong>careful<\/strong> at Testshire \d+ Council\./)
    assert.doesNotMatch(res.body, /<script>alert/)
    assert.doesNotMatch(res.body, /href="javascript:/)
    assert.equal(fieldValue(res.body, 'body'), typed)
    assert.equal(fieldValue(res.body, 'title'), 'Rules')
    const again = await admin.get(`/policies/${id}/edit`)
    assert.equal(fieldValue(again.body, 'title'), 'New policy', 'preview saved nothing')
  })

  it('saving checks the fields, names them and keeps what was typed', async () => {
    const id = await adopt(admin, 'blank')
    const revision = fieldValue((await admin.get(`/policies/${id}/edit`)).body, 'revision') ?? ''
    const res = await admin.post(`/policies/${id}/edit`, { title: '  ', body: 'Kept text', action: 'save' })
    assert.equal(res.statusCode, 400)
    assert.ok(res.body.includes(shown('policies.errors.title')))
    assert.ok(res.body.includes('href="#title"'))
    assert.equal(fieldValue(res.body, 'body'), 'Kept text')
    const long = await admin.post(`/policies/${id}/edit`, { title: 'x'.repeat(201), body: '', action: 'save' })
    assert.equal(long.statusCode, 400)
    assert.ok(long.body.includes(shown('policies.errors.titleTooLong')))
    assert.ok(long.body.includes(shown('policies.errors.body')))
    const ok = await admin.post(`/policies/${id}/edit`, { title: 'Saved title', body: 'Saved text', revision, action: 'save' })
    assert.equal(ok.statusCode, 303)
    const page = await admin.get(`/policies/${id}/edit`)
    assert.equal(fieldValue(page.body, 'title'), 'Saved title')
  })

  it('lesser roles may read but not adopt, edit, submit, approve or publish (403)', async () => {
    const id = await adopt(admin)
    for (const c of [viewer, contributor]) {
      await c.get('/policies')
      assert.equal((await c.post('/policies', { template: 'acceptable_use' })).statusCode, 403)
      assert.equal((await c.get(`/policies/${id}/edit`)).statusCode, 403)
      assert.equal((await c.post(`/policies/${id}/edit`, { title: 'x', body: 'y', action: 'save' })).statusCode, 403)
      assert.equal((await c.post(`/policies/${id}/submit`)).statusCode, 403)
      assert.equal((await c.post(`/policies/${id}/approve`, { changeKind: 'major' })).statusCode, 403)
      assert.equal((await c.post(`/policies/${id}/publish`, publishForm('2027-04-01', '2028-04-01'))).statusCode, 403)
      assert.equal((await c.get('/policies/settings')).statusCode, 403)
    }
    assert.equal((await board.post(`/policies/${id}/publish`, publishForm('2027-04-01', '2028-04-01'))).statusCode, 403, 'a board member approves but does not publish')
    // A reader does not see a draft's text.
    const page = await viewer.get(`/policies/${id}`)
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes(shown('policies.show.noneInForce')))
    assert.ok(!page.body.includes(shown('policies.show.workingText')))
  })

  it('another organisation’s policy is a 404 for every page and action', async () => {
    const id = await adopt(admin)
    await otherAdmin.get('/policies')
    for (const url of [`/policies/${id}`, `/policies/${id}/edit`, `/policies/${id}/versions/1`, `/policies/${id}/compare`, `/policies/${id}/document.pdf`]) {
      assert.equal((await otherAdmin.get(url)).statusCode, 404, url)
    }
    for (const [url, form] of [[`/policies/${id}/edit`, { title: 'x', body: 'y', action: 'save' }], [`/policies/${id}/submit`, {}],
      [`/policies/${id}/approve`, { changeKind: 'major' }], [`/policies/${id}/return`, { comments: 'no' }],
      [`/policies/${id}/publish`, publishForm('2027-04-01', '2028-04-01')], [`/policies/${id}/public`, { public: 'yes' }], [`/policies/${id}/revise`, {}]] as const) {
      assert.equal((await otherAdmin.post(url, form)).statusCode, 404, url)
    }
    assert.ok(!(await otherAdmin.get('/policies')).body.includes(id))
  })
})

describe('policies: submit, approve or return, publish', () => {
  let id = ''
  before(async () => {
    id = await adopt(admin)
    await admin.get(`/policies/${id}`)
    assert.equal((await admin.post(`/policies/${id}/submit`)).statusCode, 303)
  })

  it('the author cannot approve or return their own version', async () => {
    await admin.get(`/policies/${id}`)
    const res = await admin.post(`/policies/${id}/approve`, { changeKind: 'major' })
    assert.equal(res.statusCode, 409)
    assert.ok(res.body.includes(shown('policies.refused.ownWork')))
    const ret = await admin.post(`/policies/${id}/return`, { comments: 'Fine by me' })
    assert.equal(ret.statusCode, 409)
    const page = await admin.get(`/policies/${id}`)
    assert.ok(page.body.includes(shown('policies.status.submitted')), 'still awaiting approval')
  })

  it('a submitted version cannot be edited', async () => {
    const res = await admin2c.post(`/policies/${id}/edit`, { title: 'Changed', body: 'Changed', action: 'save' })
    assert.equal(res.statusCode, 409)
    assert.ok(res.body.includes(shown('policies.refused.notDraft')))
  })

  it('the approver must choose major or minor', async () => {
    await board.get(`/policies/${id}`)
    const res = await board.post(`/policies/${id}/approve`, {})
    assert.equal(res.statusCode, 400)
    assert.ok(res.body.includes(shown('policies.errors.changeKind')))
    const ret = await board.post(`/policies/${id}/return`, { comments: '' })
    assert.equal(ret.statusCode, 400)
    assert.ok(ret.body.includes(shown('policies.errors.comments')))
  })

  it('nothing is published before approval', async () => {
    await admin2c.get(`/policies/${id}`)
    const res = await admin2c.post(`/policies/${id}/publish`, publishForm('2027-04-01', '2028-04-01'))
    assert.equal(res.statusCode, 409)
    assert.ok(res.body.includes(shown('policies.refused.notApproved')))
  })

  it('a board member who did not write it approves it as version 1.0', async () => {
    await board.get(`/policies/${id}`)
    const res = await board.post(`/policies/${id}/approve`, { changeKind: 'major' })
    assert.equal(res.statusCode, 303)
    const page = await admin.get(`/policies/${id}`)
    assert.ok(page.body.includes(shown('policies.status.approved')))
    assert.ok(page.body.includes(team.board.name))
  })

  it('publishing needs an effective date, and a review date after it', async () => {
    await admin.get(`/policies/${id}`)
    const none = await admin.post(`/policies/${id}/publish`, publishForm('', '2028-04-01'))
    assert.equal(none.statusCode, 400)
    assert.ok(none.body.includes(shown('policies.errors.effectiveDate')))
    assert.ok(none.body.includes('href="#effectiveDate-day"'))
    assert.equal(fieldValue(none.body, 'reviewDate-year'), '2028', 'what was typed is kept')
    const before = await admin.post(`/policies/${id}/publish`, publishForm('2027-04-01', '2027-03-31'))
    assert.equal(before.statusCode, 400)
    assert.ok(before.body.includes(shown('policies.errors.reviewAfterEffective')))
    assert.ok(before.body.includes('href="#reviewDate-day"'))
    const impossible = await admin.post(`/policies/${id}/publish`, publishForm('2027-02-30', '2028-04-01'))
    assert.equal(impossible.statusCode, 400)
    assert.ok(impossible.body.includes(shown('policies.errors.effectiveDateReal')))
    const noReview = await admin.post(`/policies/${id}/publish`, publishForm('2027-04-01', ''))
    assert.equal(noReview.statusCode, 400)
    assert.ok(noReview.body.includes(shown('policies.errors.reviewDate')))
  })

  it('an admin publishes it as the version in force, placeholders filled as they are now', async () => {
    const res = await admin.post(`/policies/${id}/publish`, publishForm('2027-04-01', '2028-04-01'))
    assert.equal(res.statusCode, 303)
    const page = await viewer.get(`/policies/${id}`)
    assert.ok(page.body.includes(shown('policies.status.in_force')))
    assert.ok(page.body.includes('1 April 2027'))
    assert.ok(page.body.includes('1 April 2028'))
    assert.ok(page.body.includes('[not set: SIRO]'), 'an unset name shows as a clear marker')
    assert.ok(page.body.includes(team.org.name))
  })

  it('each step is in the audit trail', async () => {
    const rows = await t.db.query<{ action: string }>(`select action from audit_events where entity_type = 'policy' and entity_id = $1 order by id`, [id])
    assert.deepEqual(rows.map((r) => r.action), ['policy_adopted', 'policy_submitted', 'policy_approved', 'policy_published'])
  })

  it('a new version: returned with comments, resubmitted, approved as minor (1.1); the old one superseded, never edited', async () => {
    await admin2c.get(`/policies/${id}`)
    assert.equal((await admin2c.post(`/policies/${id}/revise`)).statusCode, 303)
    assert.equal((await admin2c.post(`/policies/${id}/revise`)).statusCode, 409, 'one working version at a time')
    const edit = await admin2c.get(`/policies/${id}/edit`)
    const body = (fieldValue(edit.body, 'body') ?? '').replace('at least once a year', 'at least twice a year')
    assert.equal((await admin2c.post(`/policies/${id}/edit`, { title: 'Acceptable use of generative AI', body, revision: fieldValue(edit.body, 'revision') ?? '', action: 'save' })).statusCode, 303)
    assert.equal((await admin2c.post(`/policies/${id}/submit`)).statusCode, 303)
    await board.get(`/policies/${id}`)
    assert.equal((await board.post(`/policies/${id}/return`, { comments: 'Say which committee reviews it.' })).statusCode, 303)
    const returned = await admin2c.get(`/policies/${id}/edit`)
    assert.ok(returned.body.includes('Say which committee reviews it.'))
    assert.equal((await admin2c.post(`/policies/${id}/submit`)).statusCode, 303)
    // The first admin did not touch this version, so may approve it.
    await admin.get(`/policies/${id}`)
    assert.equal((await admin.post(`/policies/${id}/approve`, { changeKind: 'minor' })).statusCode, 303)
    assert.equal((await admin2c.post(`/policies/${id}/publish`, publishForm('2027-06-01', '2028-06-01'))).statusCode, 303)

    const versions = await t.db.query<{ number: number; status: string; label: string | null }>(
      `select number, status, version_major || '.' || version_minor as label from policy_versions v join policies p on p.id = v.policy_id where p.id = $1 order by number`, [id])
    assert.deepEqual(versions, [{ number: 1, status: 'superseded', label: '1.0' }, { number: 2, status: 'in_force', label: '1.1' }])
    await assert.rejects(t.db.query(`update policy_versions set body = 'changed' where policy_id = $1 and number = 1`, [id]), /cannot be changed/)
    await assert.rejects(t.db.query(`update policy_versions set body = 'changed' where policy_id = $1 and number = 2`, [id]), /cannot be changed/)

    const old = await viewer.get(`/policies/${id}/versions/1`)
    assert.equal(old.statusCode, 200)
    assert.ok(old.body.includes('at least once a year'))
    const diff = await viewer.get(`/policies/${id}/compare?from=1&to=2`)
    assert.equal(diff.statusCode, 200)
    assert.match(diff.body, /<del class="app-diff__removed"><span class="govuk-visually-hidden">\[removed:\] <\/span>once<\/del><ins class="app-diff__added"><span class="govuk-visually-hidden">\[added:\] <\/span>twice<\/ins>/)
    assert.ok(diff.body.includes(shown('policies.compare.summary', { added: 1, removed: 1 })))
    assert.equal((await viewer.get(`/policies/${id}/compare?from=1&to=9`)).statusCode, 400)
  })
})

describe('policies: the organisation chooses who approves', () => {
  it('with "admins only", a board member is refused and an admin who did not write it approves', async () => {
    const admin1 = await signInAs(t, team.admin)
    assert.equal((await admin1.get('/policies/settings')).headers.location, '/settings#policies', 'the policy settings live on the one settings page')
    await admin1.get('/settings')
    const details = { name: team.org.name, siro: 'Sam Patel, Director of Resources', dpoContact: 'dpo@example.org', aiLead: '', boardName: 'AI Board' }
    const saved = await admin1.post('/settings/details', { ...details, policyApprovers: 'admin' })
    assert.equal(saved.statusCode, 303, 'the settings are saved')
    const id = await adopt(admin1, 'dos_and_donts')
    await admin1.get(`/policies/${id}`)
    await admin1.post(`/policies/${id}/submit`)
    await board.get(`/policies/${id}`)
    const res = await board.post(`/policies/${id}/approve`, { changeKind: 'major' })
    assert.equal(res.statusCode, 409)
    assert.ok(res.body.includes(shown('policies.refused.approvers.admin')))
    await admin2c.get(`/policies/${id}`)
    assert.equal((await admin2c.post(`/policies/${id}/approve`, { changeKind: 'major' })).statusCode, 303)
    const settings = await admin1.get('/settings')
    assert.equal(fieldValue(settings.body, 'siro'), 'Sam Patel, Director of Resources', 'the SIRO shown back')
    const bad = await admin1.post('/settings/details', { ...details, siro: 'x'.repeat(201), policyApprovers: 'everyone' })
    assert.equal(bad.statusCode, 400, 'bad settings refused')
    assert.ok(bad.body.includes(shown('organisations.errors.siroTooLong')), 'the SIRO field error')
    assert.ok(bad.body.includes(shown('organisations.errors.policyApprovers')), 'the approvers field error')
    assert.equal(fieldValue(bad.body, 'siro'), 'x'.repeat(201), 'what was typed is kept')
    // Back to the default for the other tests.
    await admin1.post('/settings/details', { name: team.org.name, policyApprovers: 'admin_or_board' })
  })
})
