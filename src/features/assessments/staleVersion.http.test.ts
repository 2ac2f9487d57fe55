// A section form whose version field is not a version number is refused as stale (409), never
// saved over the stored assessment: only a form without the field at all is left unchecked.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Client, createTestApp, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeTeam, signInAs, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let contributor: Client
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  contributor = await signInAs(t, team.contributor)
})
after(() => t.close())

describe('a malformed version on a section save', () => {
  test('is a 409 that keeps what was chosen, and nothing is stored', async () => {
    const entry = await makeEntry(t, team, { personalData: true, stage: 'under_assessment' })
    const url = `/register/${entry.id}/assessments/screening/sections/equality`
    await contributor.get(url)
    for (const bad of ['abc', '-1', '1.5', '', '9'.repeat(40)]) {
      const res = await contributor.post(url, { q_equality_impact: 'yes', version: bad })
      assert.equal(res.statusCode, 409, `version "${bad.slice(0, 12)}" is refused as stale (got ${res.statusCode})`)
      assert.match(res.body, /name="q_equality_impact"[^>]*value="yes"[^>]*checked|value="yes"[^>]*checked[^>]*name="q_equality_impact"/, 'the choice is kept')
    }
    const stored = await t.services.assessments.assessmentFor(team.viewer.user, entry.id, 'screening')
    assert.equal(stored, null, 'nothing was saved')
    const page = await contributor.get(url)
    const version = /name="version" value="(\d+)"/.exec(page.body)?.[1]
    assert.ok(version !== undefined, 'the page carries a version')
    assert.equal((await contributor.post(url, { q_equality_impact: 'yes', version })).statusCode, 303, 'a real version saves')
  })
})
