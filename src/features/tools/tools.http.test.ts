// Approved AI tools and "Can I use this AI tool?": a live entry approved for general staff use
// (by an admin or a board member, never a contributor; only while live), listed on the staff home,
// the policy page and the public policy page with nothing of the register's unpublished detail;
// and a request that becomes an idea, e-mails the AI lead and is followed by its requester alone.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Client, createTestApp, escapeHtml, fieldValue, shown, type TestApp } from '../../../test/support/app.ts'
import { quorateMeeting } from '../board/testkit.ts'
import { daysFromToday, makeEntry, makeOrganisation, makePerson, makeTeam, type Person, signInAs, type Team } from '../../../test/support/factories.ts'
import type { RegisterEntry } from '../register/model.ts'

let t: TestApp
let team: Team
let other: Team
let staff: Person
let staff2: Person
let live: RegisterEntry
let pilot: RegisterEntry
let otherLive: RegisterEntry
let policyId: string

const SECRET_PURPOSE = 'Unpublished purpose: matches benefit claimants against council tax records.'

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'toolshire' }))
  other = await makeTeam(t, await makeOrganisation(t, { slug: 'elsewhere' }))
  staff = await makePerson(t, team.org, ['staff'], { name: 'Sam Staff' })
  staff2 = await makePerson(t, team.org, ['staff'], { name: 'Pat Staff' })
  live = await makeEntry(t, team, { stage: 'live', name: 'Copilot Chat (enterprise tenancy 7)', purpose: SECRET_PURPOSE })
  pilot = await makeEntry(t, team, { stage: 'pilot', name: 'Transcription pilot' })
  otherLive = await makeEntry(t, other, { stage: 'live', name: 'Elsewhere tool' })
  // The acceptable-use policy in force and public.
  const s = t.services.policies
  const policy = await s.adopt(team.admin.user, 'acceptable_use')
  await s.submit(team.admin.user, policy.id)
  await s.approve(team.board.user, policy.id, 'major')
  await s.publish(team.admin.user, policy.id, { effectiveDate: daysFromToday(0), reviewDate: daysFromToday(365) })
  await s.setPublic(team.admin.user, policy.id, true)
  policyId = policy.id
})

after(async () => {
  await t?.close()
})

const approve = async (c: Client, entryId: string, form: Record<string, string>) => {
  await c.get(`/tools/entries/${entryId}/approve`)
  return c.post(`/tools/entries/${entryId}/approve`, form)
}

describe('approving a live entry for general staff use', () => {
  it('a contributor, an assessor, a viewer and staff get 403, and nothing is approved', async () => {
    for (const p of [team.contributor, team.assessor, team.viewer, staff]) {
      const c = await signInAs(t, p)
      assert.equal((await c.get(`/tools/entries/${live.id}/approve`)).statusCode, 403, `${p.name} GET`)
      const csrf = (await c.get('/account')).statusCode
      assert.ok(csrf === 200, 'the account page loads')
      assert.equal((await c.post(`/tools/entries/${live.id}/approve`, { publicName: 'X', approvedFor: 'Y' })).statusCode, 403, `${p.name} POST`)
      assert.equal((await c.post(`/tools/entries/${live.id}/withdraw`, { reason: 'Y' })).statusCode, 403, `${p.name} withdraw`)
    }
    assert.equal((await t.db.query('select 1 from approved_tools')).length, 0, 'no approval stored')
  })

  it('another council\'s entry is a 404', async () => {
    const admin = await signInAs(t, team.admin)
    assert.equal((await admin.get(`/tools/entries/${otherLive.id}/approve`)).statusCode, 404, 'GET')
    await admin.get(`/tools/entries/${live.id}/approve`)
    assert.equal((await admin.post(`/tools/entries/${otherLive.id}/approve`, { publicName: 'X', approvedFor: 'Y' })).statusCode, 404, 'POST')
  })

  it('an entry that is not live is refused with the reason, and nothing is stored', async () => {
    const board = await signInAs(t, team.board)
    const page = await board.get(`/tools/entries/${pilot.id}/approve`)
    assert.equal(page.statusCode, 200, 'the page says why')
    assert.ok(page.body.includes(shown('tools.refused.notLive')), 'the reason is shown')
    await board.get(`/tools/entries/${live.id}/approve`)
    const res = await board.post(`/tools/entries/${pilot.id}/approve`, { publicName: 'Transcription', approvedFor: 'Meeting notes' })
    assert.equal(res.statusCode, 409, 'refused')
    assert.ok(res.body.includes(shown('tools.refused.notLive')), 'the refusal is shown')
    assert.equal((await t.db.query('select 1 from approved_tools where entry_id = $1', [pilot.id])).length, 0, 'nothing stored')
  })

  it('field errors name the field and keep what was typed', async () => {
    const admin = await signInAs(t, team.admin)
    const cases: [Record<string, string>, string, string][] = [
      [{ publicName: '', approvedFor: 'Drafting' }, 'publicName', 'tools.errors.publicName'],
      [{ publicName: 'Copilot', approvedFor: '' }, 'approvedFor', 'tools.errors.approvedFor'],
      [{ publicName: 'Copilot', approvedFor: 'x'.repeat(501) }, 'approvedFor', 'tools.errors.approvedForTooLong'],
      [{ publicName: 'y'.repeat(10_000), approvedFor: 'Drafting' }, 'publicName', 'tools.errors.publicNameTooLong'],
    ]
    for (const [form, field, key] of cases) {
      const res = await approve(admin, live.id, form)
      assert.equal(res.statusCode, 400, key)
      assert.ok(res.body.includes(`href="#${field}">${shown(key)}`), `${key} in the summary`)
      assert.equal(fieldValue(res.body, field), form[field], `${field} kept`)
    }
    const nul = await approve(admin, live.id, { publicName: 'Co\u0000pilot', approvedFor: 'Drafting' })
    assert.equal(nul.statusCode, 400, 'a NUL is refused')
    assert.equal((await t.db.query('select 1 from approved_tools')).length, 0, 'nothing stored')
  })

  it('a board member approves a live entry; it is audited on the entry and shown on its page', async () => {
    const board = await signInAs(t, team.board)
    const res = await approve(board, live.id, { publicName: 'Microsoft Copilot Chat', approvedFor: 'Drafting and summarising with no personal data' })
    assert.equal(res.statusCode, 303, 'approved')
    assert.equal(res.headers.location, `/register/${live.id}?done=toolApproved#staff-use`)
    const page = await board.get(`/register/${live.id}?done=toolApproved`)
    assert.ok(page.body.includes(shown('done.toolApproved')), 'the banner')
    assert.ok(page.body.includes('Drafting and summarising with no personal data'), 'what it is approved for on the entry page')
    assert.ok(page.body.includes(shown('audit.action.tool_approved')), 'in the history')
    const [event] = await t.db.query<{ changes: Record<string, unknown>; actor_id: string }>(
      `select changes, actor_id from audit_events where entity_id = $1 and action = 'tool_approved'`, [live.id])
    assert.equal(event?.actor_id, team.board.id, 'who approved it')
    assert.deepEqual(event?.changes.approvedFor, { from: null, to: 'Drafting and summarising with no personal data' }, 'what changed')
  })

  it('an admin changes what it is approved for (audited); saving the same again changes nothing', async () => {
    const admin = await signInAs(t, team.admin)
    assert.equal((await approve(admin, live.id, { publicName: 'Microsoft Copilot Chat', approvedFor: 'Drafting, summarising and translating; no personal data' })).statusCode, 303, 'changed')
    assert.equal((await approve(admin, live.id, { publicName: 'Microsoft Copilot Chat', approvedFor: 'Drafting, summarising and translating; no personal data' })).statusCode, 303, 'same again')
    const events = await t.db.query(`select 1 from audit_events where entity_id = $1 and action = 'tool_approval_changed'`, [live.id])
    assert.equal(events.length, 1, 'one change audited')
  })
})

describe('where approved tools are listed', () => {
  it('the staff home lists the live approved tool by its public name only', async () => {
    const c = await signInAs(t, staff)
    const home = await c.get('/home')
    assert.equal(home.statusCode, 200, 'home')
    assert.ok(home.body.includes('Microsoft Copilot Chat'), 'public name')
    assert.ok(home.body.includes(escapeHtml('Drafting, summarising and translating; no personal data')), 'approved for')
    assert.ok(!home.body.includes('enterprise tenancy 7'), 'not the register name')
    assert.ok(!home.body.includes(SECRET_PURPOSE), 'not the register purpose')
    assert.ok(home.body.includes('href="/tools/ask"'), 'the ask link')
    assert.equal((await c.get(`/register/${live.id}`)).statusCode, 403, 'staff cannot read the entry')
  })

  it('the policy page and the public policy page list it; the public page shows nothing else of the register', async () => {
    const viewer = await signInAs(t, team.viewer)
    const page = await viewer.get(`/policies/${policyId}`)
    assert.equal(page.statusCode, 200, 'policy page')
    assert.ok(page.body.includes('id="approved-tools"'), 'the panel')
    assert.ok(page.body.includes('Microsoft Copilot Chat'), 'the tool')
    const [slug] = await t.db.query<{ slug: string }>('select slug from policies where id = $1', [policyId])
    const pub = await t.app.inject({ method: 'GET', url: `/public/toolshire/policies/${slug!.slug}` })
    assert.equal(pub.statusCode, 200, 'public policy page')
    assert.ok(pub.body.includes('Microsoft Copilot Chat'), 'the tool, publicly')
    assert.ok(pub.body.includes(escapeHtml('Drafting, summarising and translating; no personal data')), 'approved for, publicly')
    for (const secret of ['enterprise tenancy 7', SECRET_PURPOSE, live.id, 'Transcription pilot']) assert.ok(!pub.body.includes(secret), `not "${secret}"`)
    const elsewhere = await t.app.inject({ method: 'GET', url: '/public/elsewhere' })
    assert.ok(!elsewhere.body.includes('Microsoft Copilot Chat'), 'not on another council\'s page')
  })

  it('an entry that leaves live stops being listed, though its approval is kept', async () => {
    const extra = await makeEntry(t, team, { stage: 'live', name: 'Speech to text' })
    const admin = await signInAs(t, team.admin)
    assert.equal((await approve(admin, extra.id, { publicName: 'Dictation', approvedFor: 'Dictating letters' })).statusCode, 303, 'approved')
    assert.ok((await (await signInAs(t, staff)).get('/home')).body.includes('Dictation'), 'listed while live')
    await t.services.register.transition(team.contributor.user, extra.id, 'retired')
    const home = await (await signInAs(t, staff)).get('/home')
    assert.ok(!home.body.includes('Dictation'), 'not listed once retired')
    assert.ok(home.body.includes('Microsoft Copilot Chat'), 'the live one still is')
    const entryPage = await admin.get(`/register/${extra.id}`)
    assert.ok(entryPage.body.includes(shown('tools.entry.notListed')), 'the entry page says it is no longer listed')
  })

  it('withdrawing needs a reason, is audited, and the tool leaves the lists', async () => {
    const admin = await signInAs(t, team.admin)
    await admin.get(`/tools/entries/${live.id}/withdraw`)
    const empty = await admin.post(`/tools/entries/${live.id}/withdraw`, { reason: '' })
    assert.equal(empty.statusCode, 400, 'a reason is required')
    assert.ok(empty.body.includes(`href="#reason">${shown('tools.errors.reason')}`), 'field error')
    assert.equal((await admin.post(`/tools/entries/${live.id}/withdraw`, { reason: 'The supplier moved its data centre.' })).statusCode, 303, 'withdrawn')
    const [row] = await t.db.query<{ withdrawn_reason: string }>('select withdrawn_reason from approved_tools where entry_id = $1', [live.id])
    assert.equal(row?.withdrawn_reason, 'The supplier moved its data centre.', 'kept with its reason')
    assert.equal((await t.db.query(`select 1 from audit_events where entity_id = $1 and action = 'tool_approval_withdrawn'`, [live.id])).length, 1, 'audited')
    assert.ok(!(await (await signInAs(t, staff)).get('/home')).body.includes('Microsoft Copilot Chat'), 'no longer listed')
    const again = await admin.post(`/tools/entries/${live.id}/withdraw`, { reason: 'Again' })
    assert.equal(again.statusCode, 409, 'nothing left to withdraw')
    assert.ok(again.body.includes(shown('tools.refused.notApproved')), 'says so')
  })
})

describe('"Can I use this AI tool?"', () => {
  let requestId: string

  it('the form refuses bad input field by field and keeps what was typed', async () => {
    const c = await signInAs(t, staff)
    const page = await c.get('/tools/ask')
    assert.equal(page.statusCode, 200, 'the form')
    assert.ok(page.body.includes(shown('tools.ask.goesTo.admins')), 'no AI lead e-mail yet: says it goes to the admins')
    const bad = await c.post('/tools/ask', { toolName: '', purpose: 'p'.repeat(10_000), information: 'secret', detail: 'd'.repeat(2001) })
    assert.equal(bad.statusCode, 400, 'refused')
    for (const [field, key] of [['toolName', 'tools.errors.toolName'], ['purpose', 'tools.errors.purposeTooLong'], ['information', 'tools.errors.information'], ['detail', 'tools.errors.detailTooLong']]) {
      assert.ok(bad.body.includes(`href="#${field}">${shown(key!)}`), `${key} in the summary`)
    }
    assert.equal(fieldValue(bad.body, 'purpose'), 'p'.repeat(10_000), 'typed text kept')
    const repeated = await c.post('/tools/ask', { toolName: ['a', 'b'], purpose: 'x', information: ['none', 'internal'] })
    assert.equal(repeated.statusCode, 400, 'repeated fields are refused, not a 500')
    const twoLines = await c.post('/tools/ask', { toolName: 'Chat\r\nBcc: everyone@example.org', purpose: 'x', information: 'none' })
    assert.equal(twoLines.statusCode, 400, 'a name on two lines is refused (it goes into an e-mail subject)')
    assert.ok(twoLines.body.includes(shown('tools.errors.toolNameLine')), 'says so')
    const nul = await c.post('/tools/ask', { toolName: 'Chat\u0000GPT', purpose: 'x', information: 'none' })
    assert.equal(nul.statusCode, 400, 'a NUL is refused')
    assert.equal((await t.db.query('select 1 from tool_requests')).length, 0, 'nothing stored')
  })

  it('a request becomes an idea with the requester as its contact, and the AI lead is e-mailed in the same step', async () => {
    const admin = await signInAs(t, team.admin)
    await admin.get('/settings')
    const saved = await admin.post('/settings/details', {
      name: team.org.name, contactEmail: 'ai@toolshire.example', aiLead: 'Alex Lead', aiLeadEmail: 'ai.lead@toolshire.example', policyApprovers: 'admin_or_board',
    })
    assert.equal(saved.statusCode, 303, 'the AI lead e-mail saved')
    const c = await signInAs(t, staff)
    const page = await c.get('/tools/ask')
    assert.ok(page.body.includes(shown('tools.ask.goesTo.ai_lead')), 'says it goes to the AI lead')
    const res = await c.post('/tools/ask', { toolName: 'Otter transcription', purpose: 'Notes of team meetings', information: 'personal', detail: 'About twice a week' })
    assert.equal(res.statusCode, 303, 'sent')
    const m = /^\/tools\/requests\/([0-9a-f-]{36})\?done=sent$/.exec(String(res.headers.location))
    assert.ok(m, `redirected to the request: ${String(res.headers.location)}`)
    requestId = m[1]!
    const [entry] = await t.db.query<{ stage: string; created_by: string; owner: string; personal_data: boolean; name: string }>(
      `select e.stage, e.created_by, e.owner, e.personal_data, e.name from register_entries e join tool_requests r on r.entry_id = e.id where r.id = $1`, [requestId])
    assert.equal(entry?.stage, 'idea', 'an idea')
    assert.equal(entry?.created_by, staff.id, 'proposed by the requester')
    assert.equal(entry?.owner, 'Sam Staff', 'the requester is its contact')
    assert.equal(entry?.personal_data, true, 'personal data noted')
    const mail = await t.db.query<{ to_address: string; subject: string; body_text: string; kind: string }>(
      `select to_address, subject, body_text, kind from mail_outbox where organisation_id = $1 and kind = 'tool_request'`, [team.org.id])
    assert.equal(mail.length, 1, 'one message')
    assert.equal(mail[0]?.to_address, 'ai.lead@toolshire.example', 'to the AI lead')
    assert.match(mail[0].subject, /Otter transcription/, 'names the tool')
    assert.match(mail[0].body_text, /Notes of team meetings/, 'says what for')
    const followed = await c.get(`/tools/requests/${requestId}?done=sent`)
    assert.equal(followed.statusCode, 200, 'the request page')
    assert.ok(followed.body.includes(shown('tools.request.sent.ai_lead')), 'the banner says where it went')
    assert.ok(followed.body.includes(shown('tools.stage.idea')), 'the stage')
    const home = await c.get('/home')
    assert.ok(home.body.includes(`href="/tools/requests/${requestId}"`), 'listed under "Your requests"')
  })

  it('the requester follows the stage and the board\'s answer, and nothing else of the entry', async () => {
    const [row] = await t.db.query<{ entry_id: string }>('select entry_id from tool_requests where id = $1', [requestId])
    const entryId = row!.entry_id
    const s = t.services
    await s.register.transition(team.contributor.user, entryId, 'proposed')
    await s.register.transition(team.contributor.user, entryId, 'under_assessment')
    const r = await s.assessments.saveScreening(team.assessor.user, entryId, {
      personal_data: false, decision_role: 'informs', prohibited_practices: ['none'], annex_iii_areas: ['none'], public_facing: ['none'], equality_impact: 'no',
    })
    assert.ok(r.ok, 'screened')
    await s.register.transition(team.contributor.user, entryId, 'awaiting_decision')
    // At the quorate meeting of the council's test board (the one the factory's entries were decided at).
    const { meetingId } = await quorateMeeting(s, { admin: team.admin.user, chair: team.board.user, dpo: team.admin.user, member: team.assessor.user })
    await s.board.record(team.board.user, entryId, {
      sitting: { kind: 'meeting', meetingId }, outcome: 'reject', rationale: 'Confidential: the supplier failed our security review.', reviewDate: null, conditions: [],
      // Only the screening is done: the other assessments a low-risk use needs are not started.
      decidedAnyway: 'The supplier failed the security review, so the other assessments would not change the answer.',
    })
    const c = await signInAs(t, staff)
    const page = await c.get(`/tools/requests/${requestId}`)
    assert.ok(page.body.includes(shown('tools.stage.rejected')), 'the stage')
    assert.ok(page.body.includes('id="outcome"'), 'the board\'s answer')
    assert.ok(!page.body.includes('Confidential: the supplier failed'), 'not the board\'s rationale')
    assert.equal((await c.get(`/register/${entryId}`)).statusCode, 403, 'not the register entry')
  })

  it('nobody else can see someone\'s request; another council\'s person gets 404 too', async () => {
    for (const p of [staff2, team.admin, other.admin]) {
      const c = await signInAs(t, p)
      assert.equal((await c.get(`/tools/requests/${requestId}`)).statusCode, 404, p.name)
      assert.ok(!(await c.get('/home')).body.includes(requestId), `${p.name}'s home does not list it`)
    }
    const anonymous = await t.app.inject({ method: 'GET', url: `/tools/requests/${requestId}` })
    assert.equal(anonymous.statusCode, 302, 'signed out: to the login')
  })

  it('without an AI lead e-mail the request goes to the administrators', async () => {
    const c = await signInAs(t, other.viewer)
    const page = await c.get('/tools/ask')
    assert.ok(page.body.includes(shown('tools.ask.goesTo.admins')), 'says so')
    assert.equal((await c.post('/tools/ask', { toolName: 'Gemini', purpose: 'Drafting', information: 'none' })).statusCode, 303, 'sent')
    const mail = await t.db.query<{ to_address: string }>(`select to_address from mail_outbox where organisation_id = $1 and kind = 'tool_request'`, [other.org.id])
    assert.deepEqual(mail.map((m) => m.to_address), [other.admin.email], 'to the admin')
  })
})
