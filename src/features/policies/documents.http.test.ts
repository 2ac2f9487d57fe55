// The policy in force as PDF and Word documents, and at its public address: parsed back to check
// they are real files holding the council's name, the title, the version, the dates and the approver;
// public pages need no sign-in and never show a draft or another organisation's policy.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Client, createTestApp, shown, type TestApp } from '../../../test/support/app.ts'
import { makeOrganisation, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'
import { docxText, pdfText } from './testkit.ts'

let t: TestApp
let team: Team
let other: Team
let admin: Client
let viewer: Client
let otherAdmin: Client
let policyId = ''
let draftOnlyId = ''

/** A policy taken to "in force" through the services, as the factories do. */
async function inForce(tm: Team, template: string, dates = { effectiveDate: '2027-04-01', reviewDate: '2028-03-31' }): Promise<string> {
  const s = t.services.policies
  const p = await s.adopt(tm.admin.user, template)
  await s.submit(tm.admin.user, p.id)
  await s.approve(tm.board.user, p.id, 'major')
  await s.publish(tm.admin.user, p.id, dates)
  return p.id
}

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'docs-council', name: 'Docsworth Borough Council' }))
  other = await makeTeam(t, await makeOrganisation(t, { slug: 'other-council', name: 'Otherton Council' }))
  await t.services.policies.saveSettings(team.admin.user, { siro: 'Priya Shah, Director of Resources', dpoContact: 'dpo@docs.example', aiLead: 'Digital team', boardName: 'AI Governance Board', policyApprovers: 'admin_or_board' })
  policyId = await inForce(team, 'acceptable_use')
  draftOnlyId = (await t.services.policies.adopt(team.admin.user, 'dos_and_donts')).id
  // The other council has the same policy (same slug), in force but not public, and a draft.
  await inForce(other, 'acceptable_use')
  await t.services.policies.adopt(other.admin.user, 'governance_charter')
  ;[admin, viewer, otherAdmin] = await Promise.all([signInAs(t, team.admin), signInAs(t, team.viewer), signInAs(t, other.admin)])
})
after(async () => t.close())

describe('policies: documents of the version in force', () => {
  it('a PDF with the council, title, version, dates and approver, and the text', async () => {
    const res = await viewer.get(`/policies/${policyId}/document.pdf`)
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'application/pdf')
    assert.match(String(res.headers['content-disposition']), /attachment; filename="acceptable-use-v1\.0\.pdf"/)
    const text = pdfText(res.rawPayload)
    for (const s of ['Docsworth Borough Council', 'Acceptable use of generative AI', 'Version: 1.0', 'Effective from: 1 April 2027',
      'Next review: 31 March 2028', `Approved by: ${team.board.name}`, 'Priya Shah, Director of Resources', 'Tell information governance first.']) {
      assert.ok(text.includes(s), `the PDF holds "${s}"`)
    }
    assert.ok(!text.includes('{{'), 'no placeholder left unfilled')
  })

  it('a Word document with the same', async () => {
    const res = await viewer.get(`/policies/${policyId}/document.docx`)
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    const text = await docxText(res.rawPayload)
    for (const s of ['Docsworth Borough Council', 'Acceptable use of generative AI', 'Version: 1.0', 'Effective from: 1 April 2027',
      'Next review: 31 March 2028', `Approved by: ${team.board.name}`, 'Why we have this policy', 'AI Governance Board']) {
      assert.ok(text.includes(s), `the DOCX holds "${s}"`)
    }
  })

  it('the parsers refuse what is not a PDF or DOCX', async () => {
    assert.throws(() => pdfText(Buffer.from('<html>')), /no %PDF- header/)
    await assert.rejects(docxText(Buffer.from('%PDF-1.3')), /not a zip file/)
  })

  it('no documents for a policy with nothing in force, or another organisation’s', async () => {
    assert.equal((await admin.get(`/policies/${draftOnlyId}/document.pdf`)).statusCode, 404)
    assert.equal((await otherAdmin.get(`/policies/${policyId}/document.pdf`)).statusCode, 404)
    assert.equal((await otherAdmin.get(`/policies/${policyId}/document.docx`)).statusCode, 404)
  })
})

describe('policies: the public page', () => {
  const anonymous = () => t.app.inject({ method: 'GET', url: '/public/docs-council/policies/acceptable-use' })

  it('a policy is not public until an admin says so', async () => {
    assert.equal((await anonymous()).statusCode, 404)
    const list = await t.app.inject({ method: 'GET', url: '/public/docs-council/policies' })
    assert.equal(list.statusCode, 200)
    assert.ok(list.body.includes(shown('policies.public.none')))
  })

  it('only an admin may make it public (a viewer 403), and only with a version in force', async () => {
    await viewer.get(`/policies/${policyId}`)
    assert.equal((await viewer.post(`/policies/${policyId}/public`, { public: 'yes' })).statusCode, 403)
    await admin.get(`/policies/${draftOnlyId}`)
    const refused = await admin.post(`/policies/${draftOnlyId}/public`, { public: 'yes' })
    assert.equal(refused.statusCode, 409)
    assert.ok(refused.body.includes(shown('policies.refused.nothingInForce')))
    const res = await admin.post(`/policies/${policyId}/public`, { public: 'yes' })
    assert.equal(res.statusCode, 303)
  })

  it('then anyone sees it without signing in, with its PDF and DOCX; it is listed', async () => {
    const page = await anonymous()
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes('Acceptable use of generative AI'))
    assert.ok(page.body.includes('Docsworth Borough Council'))
    assert.ok(page.body.includes('1 April 2027'))
    assert.ok(page.body.includes('/public/docs-council/policies/acceptable-use/document.pdf'))
    const list = await t.app.inject({ method: 'GET', url: '/public/docs-council/policies' })
    assert.ok(list.body.includes('href="/public/docs-council/policies/acceptable-use"'))
    assert.ok(!list.body.includes('dos-and-donts'), 'a draft is never listed')
    const pdf = await t.app.inject({ method: 'GET', url: '/public/docs-council/policies/acceptable-use/document.pdf' })
    assert.equal(pdf.statusCode, 200)
    assert.ok(pdfText(pdf.rawPayload).includes('Version: 1.0'))
    const docx = await t.app.inject({ method: 'GET', url: '/public/docs-council/policies/acceptable-use/document.docx' })
    assert.ok((await docxText(docx.rawPayload)).includes('Acceptable use of generative AI'))
  })

  it('never shows a draft, a policy not made public, or another organisation’s', async () => {
    const get = (url: string) => t.app.inject({ method: 'GET', url })
    assert.equal((await get('/public/docs-council/policies/dos-and-donts')).statusCode, 404, 'a draft')
    assert.equal((await get('/public/other-council/policies/acceptable-use')).statusCode, 404, 'in force but not public')
    assert.equal((await get('/public/other-council/policies/governance-charter')).statusCode, 404, 'another council’s draft')
    assert.equal((await get('/public/other-council/policies/acceptable-use/document.pdf')).statusCode, 404)
    assert.equal((await get('/public/no-such-council/policies')).statusCode, 404)
    assert.ok(!(await get('/public/other-council/policies')).body.includes('acceptable-use'))
  })

  it('stops showing it when the admin says so', async () => {
    await admin.get(`/policies/${policyId}`)
    assert.equal((await admin.post(`/policies/${policyId}/public`, { public: 'no' })).statusCode, 303)
    assert.equal((await anonymous()).statusCode, 404)
  })
})
