// The settings page's details form (issue 9, item 8): an admin edits the organisation's name,
// type, nation and region, contact, website, SIRO, DPO, AI lead, the board's name and who approves
// policies; bad input is a field error with what was typed kept; each change is audited; nobody
// else may; /policies/settings leads here.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, fieldValue, shown, type TestApp } from '../../../test/support/app.ts'
import { makeOrganisation, makePerson, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let other: Team

const GOOD = {
  name: 'Setshire District Council', organisationType: 'District council', nation: 'wales', region: 'South Wales',
  contactEmail: 'ai@setshire.example', websiteUrl: 'https://www.setshire.example/ai', siro: 'Jo Bloggs, Director of Resources',
  dpoContact: 'dpo@setshire.example', aiLead: 'Digital team', aiLeadEmail: 'digital@setshire.example', boardName: 'AI Governance Board',
  policyApprovers: 'board_member',
}

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'setshire', name: 'Setshire Council' }))
  other = await makeTeam(t, await makeOrganisation(t, { slug: 'otherset', name: 'Otherset Council' }))
})

after(async () => {
  await t?.close()
})

describe('organisation details on the settings page', () => {
  it('an admin saves every detail; the page shows them and the change is audited field by field', async () => {
    const admin = await signInAs(t, team.admin)
    const page = await admin.get('/settings')
    assert.equal(page.statusCode, 200, 'the page')
    assert.equal(fieldValue(page.body, 'name'), 'Setshire Council', 'the name to edit')
    assert.ok(!page.body.includes('Otherset'), 'nothing of another council')
    const res = await admin.post('/settings/details', GOOD)
    assert.equal(res.statusCode, 303, 'saved')
    assert.equal(res.headers.location, '/settings?done=saved#details')
    const org = await t.services.organisations.get(team.org.id)
    assert.deepEqual(
      { name: org.name, type: org.organisationType, nation: org.nation, region: org.region, contact: org.contactEmail, web: org.websiteUrl, siro: org.siro,
        dpo: org.dpoContact, lead: org.aiLead, leadEmail: org.aiLeadEmail, board: org.boardName, approvers: org.policyApprovers },
      { name: GOOD.name, type: GOOD.organisationType, nation: 'wales', region: GOOD.region, contact: GOOD.contactEmail, web: GOOD.websiteUrl, siro: GOOD.siro,
        dpo: GOOD.dpoContact, lead: GOOD.aiLead, leadEmail: GOOD.aiLeadEmail, board: GOOD.boardName, approvers: 'board_member' },
      'stored')
    const after = await admin.get('/settings?done=saved')
    assert.ok(after.body.includes(shown('organisations.settings.saved')), 'the banner')
    assert.equal(fieldValue(after.body, 'aiLeadEmail'), GOOD.aiLeadEmail, 'shown back')
    assert.match(after.body, /name="nation" type="radio" value="wales" checked/, 'the nation ticked')
    const [event] = await t.db.query<{ changes: Record<string, { from: unknown; to: unknown }> }>(
      `select changes from audit_events where entity_type = 'organisation' and entity_id = $1 and action = 'settings_changed' order by id desc limit 1`, [team.org.id])
    assert.deepEqual(event?.changes.name, { from: 'Setshire Council', to: GOOD.name }, 'the name change audited')
    assert.deepEqual(event?.changes.policyApprovers, { from: 'admin_or_board', to: 'board_member' }, 'the approvers change audited')
    assert.ok(after.body.includes(shown('organisations.settings.audit.fields', { fields: '' }).replace(/:?\s*$/, '')), 'the history line')
    // The same again: no new audit event.
    const count = async () => (await t.db.query(`select 1 from audit_events where entity_type = 'organisation' and entity_id = $1`, [team.org.id])).length
    const before = await count()
    assert.equal((await admin.post('/settings/details', GOOD)).statusCode, 303, 'saved again')
    assert.equal(await count(), before, 'no change, no audit event')
    // Clearing an optional field stores null.
    assert.equal((await admin.post('/settings/details', { ...GOOD, region: '', nation: '' })).statusCode, 303, 'cleared')
    const cleared = await t.services.organisations.get(team.org.id)
    assert.equal(cleared.region, null, 'region cleared')
    assert.equal(cleared.nation, null, 'nation cleared')
  })

  it('bad input is a field error naming the field, what was typed is kept, and nothing changes', async () => {
    const admin = await signInAs(t, team.admin)
    await admin.get('/settings')
    const before = await t.services.organisations.get(team.org.id)
    const cases: [Record<string, string>, string, string][] = [
      [{ name: '' }, 'name', 'organisations.errors.name'],
      [{ name: 'n'.repeat(201) }, 'name', 'organisations.errors.nameTooLong'],
      [{ contactEmail: 'not-an-email' }, 'contactEmail', 'organisations.errors.contactEmail'],
      [{ aiLeadEmail: 'lead@' }, 'aiLeadEmail', 'organisations.errors.aiLeadEmail'],
      [{ websiteUrl: 'javascript:alert(1)' }, 'websiteUrl', 'organisations.errors.websiteUrl'],
      [{ websiteUrl: 'setshire.example' }, 'websiteUrl', 'organisations.errors.websiteUrl'],
      [{ websiteUrl: `https://x.example/${'a'.repeat(10_000)}` }, 'websiteUrl', 'organisations.errors.websiteUrlTooLong'],
      [{ siro: 's'.repeat(10_000) }, 'siro', 'organisations.errors.siroTooLong'],
      [{ boardName: 'b'.repeat(201) }, 'boardName', 'organisations.errors.boardNameTooLong'],
      [{ nation: 'atlantis' }, 'nation', 'organisations.errors.nation'],
      [{ policyApprovers: 'everyone' }, 'policyApprovers', 'organisations.errors.policyApprovers'],
    ]
    for (const [change, field, key] of cases) {
      const res = await admin.post('/settings/details', { ...GOOD, ...change })
      assert.equal(res.statusCode, 400, key)
      assert.ok(res.body.includes(`href="#${field}">${shown(key)}`), `${key} in the error summary`)
      assert.ok(res.body.includes(`<span class="govuk-visually-hidden">Error:</span> ${shown(key)}`), `${key} by the field`)
      if (field !== 'nation' && field !== 'policyApprovers') assert.equal(fieldValue(res.body, field), change[field], `${field} kept as typed`)
      assert.equal(fieldValue(res.body, 'siro') === undefined, false, 'the form is shown again')
    }
    const repeated = await admin.post('/settings/details', { ...GOOD, name: ['A', 'B'] })
    assert.equal(repeated.statusCode, 400, 'a repeated field is refused, not a 500')
    const nul = await admin.post('/settings/details', { ...GOOD, region: 'Wes\u0000sex' })
    assert.equal(nul.statusCode, 400, 'a NUL is refused')
    assert.deepEqual(await t.services.organisations.get(team.org.id), before, 'nothing changed')
  })

  it('everyone else gets 403; API tokens and forged CSRF are refused; another council is untouched', async () => {
    for (const p of [team.viewer, team.contributor, team.assessor, team.board, await makePerson(t, team.org, ['staff'])]) {
      const c = await signInAs(t, p)
      await c.get('/account')
      assert.equal((await c.get('/settings')).statusCode, 403, `${p.name} GET`)
      assert.equal((await c.post('/settings/details', { ...GOOD, name: 'Hijacked' })).statusCode, 403, `${p.name} POST`)
    }
    const admin = await signInAs(t, team.admin)
    await admin.get('/settings')
    assert.equal((await admin.post('/settings/details', { ...GOOD, name: 'Forged', _csrf: 'forged' })).statusCode, 403, 'forged CSRF')
    const token = await t.services.auth.createApiToken(team.admin.id, team.org.id, 'settings', { scope: 'read_write', days: 30 })
    const api = await t.app.inject({
      method: 'POST', url: '/settings/details', payload: new URLSearchParams({ ...GOOD, name: 'By token' }).toString(),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    })
    assert.equal(api.statusCode, 403, 'an API token may not')
    const otherAdmin = await signInAs(t, other.admin)
    await otherAdmin.get('/settings')
    assert.equal((await otherAdmin.post('/settings/details', { ...GOOD, name: 'Otherset Borough' })).statusCode, 303, 'the other admin saves their own')
    assert.notEqual((await t.services.organisations.get(team.org.id)).name, 'Otherset Borough', 'only their own organisation changed')
    assert.equal((await t.services.organisations.get(other.org.id)).name, 'Otherset Borough', 'theirs changed')
    const anonymous = await t.app.inject({ method: 'POST', url: '/settings/details', payload: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    assert.ok([302, 401, 403].includes(anonymous.statusCode), `signed out: refused (${anonymous.statusCode})`)
  })

  it('/policies/settings leads to this page', async () => {
    const admin = await signInAs(t, team.admin)
    const res = await admin.get('/policies/settings')
    assert.equal(res.statusCode, 303, 'redirected')
    assert.equal(res.headers.location, '/settings#policies')
    const viewer = await signInAs(t, team.viewer)
    assert.equal((await viewer.get('/policies/settings')).statusCode, 403, 'only for admins')
    assert.ok((await admin.get('/settings')).body.includes('id="policies"'), 'the policy settings part of the page')
  })
})
