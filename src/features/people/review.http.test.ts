// Review regressions: names go into e-mail subjects, so a line break in a name (a quoted cell in
// the staff file, a crafted form) is refused at the edge, and a name already stored with one (an
// organisation made before the rule, say) still never turns an e-mail into a server error.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Client, createTestApp, escapeHtml, shown, type TestApp } from '../../../test/support/app.ts'
import { makeOrganisation, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'reviewshire' }))
})

after(async () => {
  await t?.close()
})

/** The import form as a browser posts it: the CSRF field, then the file. */
async function upload(c: Client, content: string) {
  await c.get('/people/import')
  const boundary = '----aigovReviewBoundary'
  const body = {
    contentType: `multipart/form-data; boundary=${boundary}`,
    payload: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${c.csrf}\r\n`
      + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="staff.csv"\r\nContent-Type: text/csv\r\n\r\n`
      + `${content}\r\n--${boundary}--\r\n`),
  }
  return t.app.inject({ method: 'POST', url: '/people/import', headers: { cookie: c.cookieHeader(), 'content-type': body.contentType }, payload: body.payload })
}

const people = async (email: string) =>
  (await t.db.query<{ n: number }>('select count(*)::int as n from users where email = $1', [email]))[0]!.n

describe('one-line names', () => {
  it('a staff file with a line break inside a quoted name or service area is reported by line; nothing imported', async () => {
    const admin = await signInAs(t, team.admin)
    const res = await upload(admin, 'name,email,service area\r\n"Bob\nSmith",bob@review.example,Libraries\r\nAnn,ann@review.example,"Lib\r\nraries"\r\n')
    assert.equal(res.statusCode, 400, 'refused')
    assert.ok(res.body.includes(shown('people.import.problem.nameLine')), 'the name problem is reported')
    assert.ok(res.body.includes(shown('people.import.problem.serviceAreaLine')), 'the service area problem is reported')
    assert.equal(await people('bob@review.example'), 0, 'nothing imported')
    assert.equal(await people('ann@review.example'), 0, 'nothing imported')
  })

  it('adding a person with a line break in the name is a field error that keeps what was typed', async () => {
    const admin = await signInAs(t, team.admin)
    await admin.get('/people/new')
    const res = await admin.post('/people/new', { name: 'Eve\r\nBcc: everyone', email: 'eve@review.example', roles: 'staff' })
    assert.equal(res.statusCode, 400, 'refused')
    assert.ok(res.body.includes(shown('people.errors.nameLine')), 'the field is named')
    assert.ok(res.body.includes(escapeHtml('eve@review.example')), 'the address is kept')
    assert.equal(await people('eve@review.example'), 0, 'nobody added')
  })

  it('an organisation name stored with a line break still lets the import and "Forgotten your password?" queue their e-mail', async () => {
    await t.db.query('update organisations set name = $2 where id = $1', [team.org.id, 'Review\nshire Council'])
    const admin = await signInAs(t, team.admin)
    const res = await upload(admin, 'name,email,service area\r\nCal New,cal@review.example,Libraries\r\n')
    assert.equal(res.statusCode, 200, `imported (${res.statusCode})`)
    const anon = new Client(t.app)
    await anon.get('/password/forgotten')
    const sent = await anon.post('/password/forgotten', { email: team.viewer.email })
    assert.equal(sent.statusCode, 200, `the same answer as for any address (${sent.statusCode})`)
    const subjects = await t.db.query<{ subject: string }>(
      'select subject from mail_outbox where to_address = any($1)', [['cal@review.example', team.viewer.email]])
    assert.equal(subjects.length, 2, 'an invitation and a reset link are queued')
    for (const { subject } of subjects) assert.ok(!/[\r\n]/.test(subject), `one line: ${JSON.stringify(subject)}`)
  })
})
