// Coverage counted and paged in the database: per service area in one statement, and the list of
// who has not acknowledged paged with limit/offset (a page past the end shows the last one), so
// hundreds of people give the same figures as the people themselves would.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { daysFromToday, makeTeam, type Team } from '../../../test/support/factories.ts'
import { COVERAGE_PAGE_SIZE } from './model.ts'

let t: TestApp
let team: Team
let policyId: string
const STAFF = 250
// staff 1..150 in Housing, 151..250 in Waste; staff 1..30 and 201..210 acknowledged.
const acknowledged = (n: number) => n <= 30 || (n > 200 && n <= 210)

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  const p = await t.services.policies.adopt(team.admin.user, 'acceptable_use')
  await t.services.policies.submit(team.admin.user, p.id)
  await t.services.policies.approve(team.board.user, p.id, 'major')
  await t.services.policies.publish(team.admin.user, p.id, { effectiveDate: daysFromToday(0), reviewDate: daysFromToday(365) })
  policyId = p.id
  const tag = team.org.slug
  // Every account shares the admin's password hash (hashing hundreds of passwords would only slow the test).
  await t.db.query(`insert into users (email, name, password_hash)
    select 'paging-' || g || '@' || $1 || '.example', 'Paging ' || lpad(g::text, 3, '0'), (select password_hash from users where id = $3)
    from generate_series(1, $2) g`, [tag, STAFF, team.admin.user.id])
  await t.db.query(`insert into memberships (user_id, organisation_id, roles, service_area)
    select u.id, $1, array['staff'], case when substring(u.email from 'paging-([0-9]+)@')::int <= 150 then 'Housing' else 'Waste' end
    from users u where u.email like 'paging-%@' || $2 || '.example'`, [team.org.id, tag])
  await t.db.query(`insert into policy_acknowledgements (organisation_id, policy_id, version_id, user_id, version_major, version_minor)
    select $1, v.policy_id, v.id, u.id, v.version_major, v.version_minor from policy_versions v, users u
    where v.policy_id = $2 and v.status = 'in_force' and u.email like 'paging-%@' || $3 || '.example'
      and (substring(u.email from 'paging-([0-9]+)@')::int <= 30 or substring(u.email from 'paging-([0-9]+)@')::int between 201 and 210)`,
  [team.org.id, policyId, tag])
})
after(async () => t.close())

const names = (people: { name: string }[]) => people.map((p) => p.name)
const expectedMissing = (from: number, to: number) => {
  const out: string[] = []
  for (let n = from; n <= to; n++) if (!acknowledged(n)) out.push(`Paging ${String(n).padStart(3, '0')}`)
  return out
}

describe('policies: coverage counted and paged in the database', () => {
  it('counts everyone per service area; the team (no service area) counts too', async () => {
    const c = await t.services.policies.acknowledgements.coverage(team.admin.user, policyId)
    assert.deepEqual(c.overall, { total: STAFF + 5, acknowledged: 40, percent: Math.floor((40 * 100) / (STAFF + 5)) }, 'overall')
    assert.deepEqual(c.areas.map((a) => [a.area, a.total, a.acknowledged]), [['Housing', 150, 30], ['Waste', 100, 10], [null, 5, 0]], 'per area')
    assert.equal(c.outstandingTotal, STAFF + 5 - 40, 'how many are missing')
    assert.equal(c.pages, Math.ceil((STAFF + 5 - 40) / COVERAGE_PAGE_SIZE), 'pages')
  })

  it('pages who is missing by name, with no one twice and no one who acknowledged', async () => {
    const seen: string[] = []
    for (let page = 1; page <= 3; page++) {
      const c = await t.services.policies.acknowledgements.coverage(team.admin.user, policyId, { area: 'Housing', page })
      assert.equal(c.outstandingTotal, 120, 'Housing: 120 missing')
      assert.equal(c.pages, 2, 'Housing: two pages')
      seen.push(...names(c.outstanding))
      if (page === 3) assert.deepEqual(names(c.outstanding), expectedMissing(1, 150).slice(COVERAGE_PAGE_SIZE), 'a page past the end shows the last one')
    }
    assert.deepEqual(seen.slice(0, 120), expectedMissing(1, 150), 'pages 1 and 2 in name order, each person once')
    const waste = await t.services.policies.acknowledgements.coverage(team.admin.user, policyId, { area: 'Waste' })
    assert.deepEqual(names(waste.outstanding), expectedMissing(151, 250), 'Waste: 90 missing on one page')
    const none = await t.services.policies.acknowledgements.coverage(team.admin.user, policyId, { area: null })
    assert.equal(none.outstandingTotal, 5, 'no service area: the team')
    const unknown = await t.services.policies.acknowledgements.coverage(team.admin.user, policyId, { area: 'Nowhere' })
    assert.deepEqual([unknown.outstandingTotal, unknown.outstanding.length, unknown.page, unknown.pages], [0, 0, 1, 1], 'an unknown area: nobody')
  })

  it('someone deactivated drops out of the counts and the list', async () => {
    const [u] = await t.db.query<{ id: string }>(`select id from users where email = $1`, [`paging-31@${team.org.slug}.example`])
    await t.db.query('update memberships set active = false where user_id = $1', [u!.id])
    const c = await t.services.policies.acknowledgements.coverage(team.admin.user, policyId, { area: 'Housing' })
    assert.equal(c.outstandingTotal, 119, 'one fewer missing')
    assert.ok(!names(c.outstanding).includes('Paging 031'), 'not listed')
  })
})
