// The maturity self-assessment through HTTP: an admin submits (each dimension 1–5 with evidence),
// every submission is kept as a dated assessment and the results page shows the latest and the
// history (an SVG chart with a text description and a table); bad scores are field errors naming
// the dimension with what was typed kept; viewers read but cannot submit; CSRF; another council's
// assessments never show.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createTestApp, escapeHtml, fieldValue, shown, type TestApp } from '../../../test/support/app.ts'
import { makeOrganisation, makePerson, makeTeam, type Person, signInAs, type Team } from '../../../test/support/factories.ts'
import { evidenceField } from './model.ts'

let t: TestApp
let team: Team
let other: Team
let staff: Person

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'maturityshire' }))
  other = await makeTeam(t, await makeOrganisation(t, { slug: 'otherton' }))
  staff = await makePerson(t, team.org, ['staff'])
})

after(async () => {
  await t?.close()
})

const dims = () => t.services.maturity.model().dimensions

/** A complete form: every dimension at `level` (or as given), with evidence naming the council. */
const form = (level: number, evidence: string, overrides: Record<string, string | string[]> = {}) => ({
  ...Object.fromEntries(dims().flatMap((d) => [[d.id, String(level)], [evidenceField(d.id), `${evidence} (${d.id})`]])),
  ...overrides,
})

const count = async (orgId: string) =>
  Number((await t.db.query<{ n: number }>('select count(*)::int as n from maturity_assessments where organisation_id = $1', [orgId]))[0]!.n)

describe('submitting and the history', () => {
  it('an admin submits twice: both kept, the latest shown, the history as a chart, text and table', async () => {
    const admin = await signInAs(t, team.admin)
    const empty = await admin.get('/maturity')
    assert.equal(empty.statusCode, 200)
    assert.ok(empty.body.includes(shown('maturity.none')), 'nothing yet')

    assert.equal((await admin.get('/maturity/assess')).statusCode, 200)
    const first = await admin.post('/maturity/assess', form(2, 'First look'))
    assert.equal(first.statusCode, 303, first.body.slice(0, 300))
    assert.equal(first.headers.location, '/maturity?done=assessed')

    // The form starts from the latest assessment.
    const again = await admin.get('/maturity/assess')
    assert.equal(fieldValue(again.body, 'policy'), '2', 'the latest level is chosen')
    assert.equal(fieldValue(again.body, evidenceField('policy')), 'First look (policy)', 'the latest evidence is there')

    const second = await admin.post('/maturity/assess', form(2, 'Second look', { leadership: '4', security: '1' }))
    assert.equal(second.statusCode, 303)
    assert.equal(await count(team.org.id), 2, 'both assessments kept')

    const page = await admin.get('/maturity?done=assessed')
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes(shown('maturity.done.assessed')), 'confirmation')
    assert.ok(page.body.includes('Second look (leadership)'), 'latest evidence')
    assert.ok(!page.body.includes('First look'), 'earlier evidence is not on the results page')
    assert.ok(page.body.includes(shown('maturity.levelName', { level: 4, name: 'Embedded' })), 'the latest level by name')
    // The chart: an image with a title and a description, and the same words as text.
    const svg = /<svg[^>]*role="img"[^>]*>[\s\S]*?<\/svg>/.exec(page.body)?.[0] ?? ''
    assert.ok(svg.includes('<title id="maturity-history-title">'), 'the chart has a title')
    const desc = /<desc id="maturity-history-desc">([^<]*)<\/desc>/.exec(svg)?.[1] ?? ''
    assert.ok(desc.includes(escapeHtml('Leadership and strategy at level 4, up from 2')), desc)
    assert.ok(desc.includes(escapeHtml('Security at level 1, down from 2')), desc)
    assert.ok(page.body.includes(`<p class="govuk-body" id="maturity-history-text">${desc}</p>`), 'the description is on the page as text too')
    // The table: one row per assessment.
    const table = /<table class="govuk-table" id="maturity-history-table">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? ''
    assert.equal((table.match(/<th scope="row"/g) ?? []).length, 2, 'two assessments in the table')

    // Audited, and kept as submitted.
    const audit = await t.db.query<{ action: string }>("select action from audit_events where organisation_id = $1 and entity_type = 'maturity_assessment'", [team.org.id])
    assert.deepEqual(audit.map((a) => a.action), ['maturity_assessed', 'maturity_assessed'])
    await assert.rejects(t.db.query('update maturity_scores set score = 5 where organisation_id = $1', [team.org.id]), /kept as they were submitted/)
    await assert.rejects(t.db.query('delete from maturity_assessments where organisation_id = $1', [team.org.id]), /kept as they were submitted/)
  })

  it('a viewer reads the results; staff may not; neither may assess', async () => {
    const viewer = await signInAs(t, team.viewer)
    assert.equal((await viewer.get('/maturity')).statusCode, 200)
    assert.equal((await viewer.get('/maturity/assess')).statusCode, 403)
    const before = await count(team.org.id)
    for (const p of [team.viewer, team.contributor, team.assessor, team.board, staff]) {
      const c = await signInAs(t, p)
      await c.get('/account')
      assert.equal((await c.post('/maturity/assess', form(5, 'Sneaky'))).statusCode, 403, p.name)
    }
    const s = await signInAs(t, staff)
    assert.equal((await s.get('/maturity')).statusCode, 403, 'staff cannot read the results')
    // The service refuses too, whoever calls it.
    const scores = dims().map((d) => ({ dimension: d.id, score: 3, evidence: '' }))
    await assert.rejects(t.services.maturity.submit(team.viewer.user, scores), /forbidden|403/i, 'the service refuses a viewer')
    await assert.rejects(t.services.maturity.history(staff.user), /forbidden|403/i, 'the service refuses staff the history')
    assert.equal(await count(team.org.id), before, 'nothing stored')
  })

  it('without the CSRF token: refused, nothing stored', async () => {
    const admin = await signInAs(t, team.admin)
    const before = await count(team.org.id)
    const res = await admin.post('/maturity/assess', { ...form(3, 'No token'), _csrf: '' })
    assert.equal(res.statusCode, 403)
    const wrong = await admin.post('/maturity/assess', { ...form(3, 'No token'), _csrf: 'not-the-token' })
    assert.equal(wrong.statusCode, 403)
    assert.equal(await count(team.org.id), before)
  })

  it('another council\'s assessments never show', async () => {
    const otherAdmin = await signInAs(t, other.admin)
    await otherAdmin.get('/maturity/assess')
    assert.equal((await otherAdmin.post('/maturity/assess', form(5, 'Otherton secret evidence'))).statusCode, 303)
    for (const p of [team.admin, team.viewer]) {
      const c = await signInAs(t, p)
      for (const url of ['/maturity', ...(p === team.admin ? ['/maturity/assess'] : [])]) {
        const res = await c.get(url)
        assert.ok(!res.body.includes('Otherton secret evidence'), `${url} as ${p.name}`)
      }
    }
    const page = await (await signInAs(t, team.viewer)).get('/maturity')
    const table = /<table class="govuk-table" id="maturity-history-table">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? ''
    assert.equal((table.match(/<th scope="row"/g) ?? []).length, 2, 'still only this council\'s two')
  })
})

describe('bad input', () => {
  it('out of range, text, an array and missing: field errors naming each dimension, the summary, and what was typed kept', async () => {
    const admin = await signInAs(t, team.admin)
    await admin.get('/maturity/assess')
    const before = await count(team.org.id)
    const res = await admin.post('/maturity/assess', form(3, 'Kept text', { leadership: '6', policy: 'abc', data: ['1', '2'], security: '' }))
    assert.equal(res.statusCode, 400)
    assert.ok(res.body.includes('govuk-error-summary'), 'the error summary')
    for (const [field, title] of [['leadership', 'Leadership and strategy'], ['policy', 'Policy'], ['data', 'Data'], ['security', 'Security']] as const) {
      const message = shown('maturity.errors.score', { dimension: title })
      assert.ok(res.body.includes(`href="#${field}">${message}</a>`), `summary links ${field}`)
      assert.ok(res.body.includes(`id="${field}-error"`), `field error for ${field}`)
    }
    assert.ok(!res.body.includes('id="governance-error"'), 'a good field has no error')
    assert.equal(fieldValue(res.body, 'governance'), '3', 'a good choice is kept')
    assert.equal(fieldValue(res.body, evidenceField('leadership')), 'Kept text (leadership)', 'evidence kept')
    assert.equal(await count(team.org.id), before, 'nothing stored')
  })

  it('evidence over 5,000 characters is a field error with the text kept; 10 kB and NUL never a 500', async () => {
    const admin = await signInAs(t, team.admin)
    await admin.get('/maturity/assess')
    const long = 'e'.repeat(10_000)
    const res = await admin.post('/maturity/assess', form(3, 'x', { [evidenceField('transparency')]: long }))
    assert.equal(res.statusCode, 400)
    assert.ok(res.body.includes(shown('maturity.errors.evidenceTooLong', { dimension: 'Transparency' })), 'names the dimension')
    assert.equal(fieldValue(res.body, evidenceField('transparency')), long, 'kept')
    const nul = await admin.post('/maturity/assess', form(3, 'x', { [evidenceField('data')]: 'a\u0000b' }))
    assert.equal(nul.statusCode, 400)
    const empty = await admin.post('/maturity/assess', {})
    assert.equal(empty.statusCode, 400)
    for (const d of dims()) assert.ok(empty.body.includes(shown('maturity.errors.score', { dimension: d.title })), d.id)
  })
})
