// The organisation dashboard (issue 12 §7): figures counted in SQL by the features that own them,
// charts with their text alternatives, one council's figures only, who may see it, the summary page.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { as, Client, createTestApp, escapeHtml, shown, signIn, type TestApp } from '../../../test/support/app.ts'
import { daysFromToday, makeEntry, makeOrganisation, makePerson, makeTeam, SCREENINGS, signInAs, type Team } from '../../../test/support/factories.ts'

/** The figure a bar chart's description gives for a label ("Live: 3"), or null when it gives none. */
function said(body: string, label: string): number | null {
  const m = new RegExp(`${escapeHtml(label).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\d+)`).exec(body)
  return m ? Number(m[1]) : null
}

/** The section of the page for one metric (its heading to the next metric). */
function section(body: string, id: string): string {
  const start = body.indexOf(`aria-labelledby="${id}"`)
  assert.ok(start >= 0, `the page has the metric ${id}`)
  const end = body.indexOf('<section', start + 10)
  return body.slice(start, end < 0 ? undefined : end)
}

describe('the dashboard of a new organisation (no data)', () => {
  let t: TestApp
  let team: Team
  before(async () => {
    t = await createTestApp({ demo: false })
    team = await makeTeam(t)
  })
  after(() => t.close())

  test('renders every metric with nothing to count, and no chart', async () => {
    const res = await (await signInAs(t, team.viewer)).get('/dashboard')
    assert.equal(res.statusCode, 200)
    for (const id of ['register-stage', 'register-tier', 'register-area', 'register-reviews', 'assessments-signoff', 'assessments-actions', 'board-conditions', 'policies-coverage', 'transparency-published']) {
      section(res.body, id)
    }
    assert.ok(!res.body.includes('<svg'), 'no chart drawn from nothing')
    assert.ok(section(res.body, 'register-stage').includes(shown('dashboard.nothingYet')))
    assert.ok(section(res.body, 'policies-coverage').includes(shown('policies.dashboard.none')))
    assert.match(section(res.body, 'register-reviews'), /app-dashboard__figure">0</)
  })

  test('the summary renders too', async () => {
    const res = await (await signInAs(t, team.viewer)).get('/dashboard/summary')
    assert.equal(res.statusCode, 200)
    assert.ok(res.body.includes(shown('dashboard.summary.heading', { organisation: team.org.name })))
  })
})

describe('the dashboard with figures', () => {
  let t: TestApp
  let team: Team
  let other: Team
  before(async () => {
    t = await createTestApp({ demo: false })
    team = await makeTeam(t)
    other = await makeTeam(t, await makeOrganisation(t, { name: 'Elsewhere Borough Council' }))
    await makeEntry(t, team, { name: 'Meeting notes', serviceArea: 'Democratic services' })
    await makeEntry(t, team, { name: 'Letters in plain English', serviceArea: 'Housing', stage: 'under_assessment', screening: 'high' })
    await makeEntry(t, team, { name: 'Chatbot', serviceArea: 'Housing', stage: 'live', reviewDate: daysFromToday(10), record: 'published' })
    await makeEntry(t, team, { name: 'Route planning', serviceArea: 'Waste', stage: 'live', reviewDate: daysFromToday(200) })
    // Another council's entries: a service area of its own, more live uses, conditions open.
    for (let i = 0; i < 3; i++) await makeEntry(t, other, { name: `Elsewhere ${i}`, serviceArea: 'Zebra crossings', stage: 'live', reviewDate: daysFromToday(-5) })
    await makeEntry(t, other, { name: 'Elsewhere with a condition', serviceArea: 'Zebra crossings', stage: 'approved', conditions: ['Train the team'] })
    // An overdue review for ours: an approved use whose review date has passed.
    await makeEntry(t, team, { name: 'Translation', serviceArea: 'Customer services', stage: 'approved', reviewDate: daysFromToday(-3), conditions: ['Check a sample each month'] })
  })
  after(() => t.close())

  test('counts this organisation only, by stage, tier and service area', async () => {
    const res = await (await signInAs(t, team.viewer)).get('/dashboard')
    assert.equal(res.statusCode, 200)
    const stage = section(res.body, 'register-stage')
    assert.equal(said(stage, 'Live'), 2, 'two of ours are live (the other council has three more)')
    assert.equal(said(stage, 'Proposed'), 1)
    assert.equal(said(stage, 'Approved'), 1)
    assert.equal(said(stage, 'Under assessment'), 1)
    assert.ok(stage.includes(shown('register.dashboard.stage.description', { count: 5 })), 'five entries in all')
    const area = section(res.body, 'register-area')
    assert.equal(said(area, 'Housing'), 2)
    assert.ok(!res.body.includes('Zebra crossings'), "another council's service area is never shown")
    const tier = section(res.body, 'register-tier')
    assert.equal(said(tier, 'High risk'), 1)
    assert.equal(said(tier, 'Not screened'), 1, 'the proposed entry has no screening')
  })

  test('reviews, conditions, actions and the published share', async () => {
    const res = await (await signInAs(t, team.viewer)).get('/dashboard')
    const reviews = section(res.body, 'register-reviews')
    assert.match(reviews, /app-dashboard__figure">1<\/span>\s*reviews overdue/, 'one overdue (not the other council’s three)')
    assert.match(reviews, /app-dashboard__figure">1<\/span>\s*reviews due in the next 30 days/)
    const conditions = section(res.body, 'board-conditions')
    assert.match(conditions, /app-dashboard__figure">1<\/span>\s*conditions open/, "ours only, not the other council's")
    const published = section(res.body, 'transparency-published')
    assert.ok(published.includes('50% (1 of 2)'), 'one of the two live uses has a published record')
    assert.ok(published.includes('role="img"'))
    const signoff = section(res.body, 'assessments-signoff')
    assert.match(signoff, /app-dashboard__figure">\d+<\/span>\s*awaiting sign-off/)
  })

  test('every chart has a title, a description with its figures and a table of the same figures', async () => {
    const res = await (await signInAs(t, team.viewer)).get('/dashboard')
    const charts = [...res.body.matchAll(/<svg[^>]*role="img" aria-labelledby="([^" ]+) ([^"]+)"[^>]*>/g)]
    assert.ok(charts.length >= 4, `charts drawn: ${charts.length}`)
    for (const [, titleId, descId] of charts) {
      assert.ok(res.body.includes(`<title id="${titleId}">`), `title ${titleId}`)
      assert.ok(res.body.includes(`<desc id="${descId}">`), `desc ${descId}`)
    }
    const stage = section(res.body, 'register-stage')
    assert.match(stage, /<table class="govuk-table[^"]*">/)
    assert.match(stage, /<a class="govuk-link" href="\/register\?stage=live">Live<\/a><\/th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">2<\/td>/)
  })

  test('the other council sees its own figures', async () => {
    const res = await (await signInAs(t, other.viewer)).get('/dashboard')
    assert.equal(said(section(res.body, 'register-stage'), 'Live'), 3)
    assert.ok(!res.body.includes('Democratic services'))
    assert.match(section(res.body, 'register-reviews'), /app-dashboard__figure">3<\/span>\s*reviews overdue/)
  })

  test('who may see it: every role that reads the register; staff get 403; signed out go to sign in', async () => {
    for (const p of [team.viewer, team.contributor, team.assessor, team.board, team.admin]) {
      const c = await signInAs(t, p)
      assert.equal((await c.get('/dashboard')).statusCode, 200, p.roles.join())
      assert.equal((await c.get('/dashboard/summary')).statusCode, 200, p.roles.join())
    }
    const staff = await signInAs(t, await makePerson(t, team.org, ['staff']))
    assert.equal((await staff.get('/dashboard')).statusCode, 403)
    assert.equal((await staff.get('/dashboard/summary')).statusCode, 403)
    assert.ok(!(await staff.get('/home')).body.includes('href="/dashboard"'), 'no Dashboard link for staff')
    const anonymous = await new Client(t.app).get('/dashboard')
    assert.equal(anonymous.statusCode, 302)
    assert.equal(anonymous.headers.location, '/login?next=%2Fdashboard')
  })

  test('the navigation links to it, marked current on the page', async () => {
    const res = await (await signInAs(t, team.viewer)).get('/dashboard')
    assert.match(res.body, /<a class="govuk-service-navigation__link" href="\/dashboard" aria-current="true">/)
  })

  test('the summary: one page for a scrutiny committee, printed without navigation', async () => {
    const res = await (await signInAs(t, team.viewer)).get('/dashboard/summary')
    assert.equal(res.statusCode, 200)
    assert.match(res.body, /<body class="govuk-template__body app-dashboard-summary/)
    assert.ok(res.body.includes(shown('dashboard.summary.heading', { organisation: team.org.name })))
    assert.match(res.body, /<dt>Live<\/dt><dd>2<\/dd>/)
    assert.ok(res.body.includes('50% (1 of 2)'))
    assert.ok(!res.body.includes('Zebra crossings'))
    const css = await (await signInAs(t, team.viewer)).get('/assets/app.css')
    if (css.statusCode === 200) assert.match(css.body, /\.app-dashboard-summary \.govuk-template__header/, 'print hides the header')
  })

  test('a query string or odd path never breaks it', async () => {
    const c = await signInAs(t, team.viewer)
    assert.equal((await c.get('/dashboard?x=%00&y[]=1')).statusCode, 400)
    assert.equal((await c.get('/dashboard?stage=live&page=-1')).statusCode, 200)
    assert.equal((await c.get('/dashboard/summary?' + 'a'.repeat(5000))).statusCode, 200)
  })
})

describe('the dashboard with the demo data', () => {
  let t: TestApp
  before(async () => { t = await createTestApp({ demo: true }) })
  after(() => t.close())

  test('renders, and its register figures match the database', async () => {
    const c = await signIn(t.app, as.northmoor('viewer'))
    const res = await c.get('/dashboard')
    assert.equal(res.statusCode, 200)
    const [{ id: org }] = await t.db.query<{ id: string }>("select id from organisations where slug = 'northmoor'") as [{ id: string }]
    const rows = await t.db.query<{ stage: string; n: number }>('select stage, count(*)::int as n from register_entries where organisation_id = $1 group by stage', [org])
    const stage = section(res.body, 'register-stage')
    for (const r of rows) assert.equal(said(stage, shown(`stage.${r.stage}`)), r.n, r.stage)
    assert.ok(res.body.includes('<svg'), 'charts are drawn')
    assert.equal((await c.get('/dashboard/summary')).statusCode, 200)
  })
})

void SCREENINGS
