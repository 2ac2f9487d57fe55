// Review regressions for "Can I use this AI tool?": the requester's name and the tool's name go
// into the e-mail's subject. A name stored with a line break (before names had to be one line)
// still sends the request; a tool name with a Unicode line or paragraph separator, or a C1
// control character, is a field error like any other line break.
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { createTestApp, escapeHtml, shown, type TestApp } from '../../../test/support/app.ts'
import { makeOrganisation, makePerson, type Person, signInAs, type Team, makeTeam } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let staff: Person

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'askshire' }))
  staff = await makePerson(t, team.org, ['staff'], { name: 'Sam Staff' })
})

after(async () => {
  await t?.close()
})

it('a requester whose stored name has a line break still sends the request; the subject is one line', async () => {
  await t.db.query('update users set name = $2 where id = $1', [staff.id, 'Sam\nStaff'])
  const c = await signInAs(t, staff)
  await c.get('/tools/ask')
  const res = await c.post('/tools/ask', { toolName: 'Otter', purpose: 'Meeting notes', information: 'internal' })
  assert.equal(res.statusCode, 303, `sent (${res.statusCode})`)
  const mails = await t.db.query<{ subject: string }>("select subject from mail_outbox where kind = 'tool_request'")
  assert.ok(mails.length > 0, 'an e-mail is queued')
  for (const { subject } of mails) assert.ok(!/[\r\n]/.test(subject), `one line: ${JSON.stringify(subject)}`)
})

for (const [label, toolName] of [['a line separator', 'Chat\u2028GPT'], ['a next-line control', 'Chat\u0085GPT'], ['a paragraph separator', 'Chat\u2029GPT']] as const) {
  it(`a tool name with ${label} is a field error that keeps the purpose`, async () => {
    const c = await signInAs(t, staff)
    await c.get('/tools/ask')
    const res = await c.post('/tools/ask', { toolName, purpose: 'Drafting letters', information: 'none' })
    assert.equal(res.statusCode, 400, `refused (${res.statusCode})`)
    assert.ok(res.body.includes(shown('tools.errors.toolNameLine')), 'the field is named')
    assert.ok(res.body.includes(escapeHtml('Drafting letters')), 'what was typed is kept')
  })
}
