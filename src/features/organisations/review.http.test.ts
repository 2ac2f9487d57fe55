// Review regressions for the organisation's details: the one-line fields (the name goes into every
// e-mail's subject) refuse a line break with a message naming the field, keep what was typed, and
// change nothing.
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { createTestApp, escapeHtml, shown, type TestApp } from '../../../test/support/app.ts'
import { makeOrganisation, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'lineshire', name: 'Lineshire Council' }))
})

after(async () => {
  await t?.close()
})

it('a line break in the name, the board’s name or the SIRO is a field error; nothing is saved', async () => {
  const admin = await signInAs(t, team.admin)
  await admin.get('/settings')
  const res = await admin.post('/settings/details', {
    name: 'Line\nshire', boardName: 'AI\u2028Board', siro: 'Jo\tBloggs', websiteUrl: 'https://www.lineshire.example', policyApprovers: 'admin',
  })
  assert.equal(res.statusCode, 400, 'refused')
  for (const key of ['organisations.errors.nameLine', 'organisations.errors.boardNameLine', 'organisations.errors.siroLine']) {
    assert.ok(res.body.includes(shown(key)), `${key} is shown`)
  }
  assert.ok(res.body.includes(escapeHtml('https://www.lineshire.example')), 'what was typed is kept')
  const [org] = await t.db.query<{ name: string; board_name: string | null }>('select name, board_name from organisations where id = $1', [team.org.id])
  assert.equal(org?.name, 'Lineshire Council', 'the name is unchanged')
  assert.equal(org?.board_name, null, 'the board name is unchanged')
})

it('the same details on one line are saved', async () => {
  const admin = await signInAs(t, team.admin)
  await admin.get('/settings')
  const res = await admin.post('/settings/details', { name: 'Lineshire Borough Council', boardName: 'AI Board', policyApprovers: 'admin' })
  assert.equal(res.statusCode, 303, `saved (${res.statusCode})`)
})
