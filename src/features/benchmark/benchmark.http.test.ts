// The sector benchmark through HTTP: only organisations that opted in are counted; a figure is
// shown only when at least 5 organisations contribute to it (per figure and per filter: hidden at
// exactly 4, shown at exactly 5), and a hidden figure's number is nowhere in the response; filters
// by organisation type and nation; the organisation's own values beside the sector's when it
// takes part; opting in is an admin's (403 otherwise, CSRF); and no response ever holds any
// organisation's name, slug, id or identifier.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Client, createTestApp, shown, type TestApp } from '../../../test/support/app.ts'
import { daysFromToday, makePerson, makePlatformAdmin, makeTeam, type Person, signInAs, type Team } from '../../../test/support/factories.ts'
import { TEMPLATE_BOARD } from '../board/model.ts'
import type { Organisation } from '../organisations/model.ts'

let t: TestApp
/** England, district councils: e[0..4]. */
const e: Team[] = []
let wales: Team
/** Never opts in (it has a policy in force that must not be counted). */
let outsider: Team
let staff: Person

const DISTRICT = 'District council'
const NAMES = ['Alderbrook', 'Birchmoor', 'Cedarvale', 'Dunholme', 'Elmstead']

async function org(admin: Person, name: string, slug: string, type: string, nation: 'england' | 'wales', identifier: string): Promise<Organisation> {
  return t.services.organisations.createByPlatformAdmin(admin.user, {
    name, slug, organisationType: type, nation, region: null, officialIdentifier: identifier, contactEmail: null,
  })
}

async function policyInForce(team: Team): Promise<{ policyId: string; versionId: string }> {
  const s = t.services.policies
  const policy = await s.adopt(team.admin.user, 'acceptable_use')
  await s.submit(team.admin.user, policy.id)
  await s.approve(team.board.user, policy.id, 'major')
  await s.publish(team.admin.user, policy.id, { effectiveDate: daysFromToday(0), reviewDate: daysFromToday(365) })
  const detail = await s.get(team.admin.user, policy.id)
  return { policyId: policy.id, versionId: detail.inForce!.id }
}

async function assess(team: Team, level: number) {
  const scores = t.services.maturity.model().dimensions.map((d) => ({ dimension: d.id, score: level, evidence: `${team.org.name} evidence` }))
  await t.services.maturity.submit(team.admin.user, scores)
}

async function optIn(team: Team) {
  const c = await signInAs(t, team.admin)
  await c.get('/benchmark')
  const res = await c.post('/benchmark/participation', { participate: 'yes' })
  assert.equal(res.statusCode, 303)
}

before(async () => {
  t = await createTestApp({ demo: false })
  const operator = await makePlatformAdmin(t)
  for (const [i, name] of NAMES.entries()) {
    e.push(await makeTeam(t, await org(operator, `${name} District Council`, name.toLowerCase(), DISTRICT, 'england', `E0700010${i}`)))
  }
  wales = await makeTeam(t, await org(operator, 'Glanrafon County Borough Council', 'glanrafon', 'Unitary authority', 'wales', 'W06000099'))
  outsider = await makeTeam(t, await org(operator, 'Farthingdale District Council', 'farthingdale', DISTRICT, 'england', 'E07000999'))
  staff = await makePerson(t, e[0]!.org, ['staff'])

  // Three of the five have a policy in force (and the outsider too); in the first, 2 of its 6 people acknowledged it.
  for (const team of [e[0]!, e[1]!, e[2]!, outsider]) {
    const { policyId, versionId } = await policyInForce(team)
    if (team === e[0]) {
      for (const p of [team.viewer, team.contributor]) await t.services.policies.acknowledgements.acknowledge(p.user, policyId, versionId)
    }
  }
  await t.services.board.create(e[0]!.admin.user, { ...TEMPLATE_BOARD })
  // Four of the five have assessed their maturity.
  for (const [i, team] of e.slice(0, 4).entries()) await assess(team, i + 1)
  await assess(outsider, 5)
  // Four take part to begin with.
  for (const team of e.slice(0, 4)) await optIn(team)
})

after(async () => {
  await t?.close()
})

/** The part of the page after the filters: the figures. */
const figures = (html: string) => html.slice(html.indexOf('class="app-benchmark-filters"'))
const row = (html: string, id: string) => new RegExp(`id="figure-${id}"[\\s\\S]*?(</tr>|</section>)`).exec(html)?.[0] ?? ''
const hiddenText = () => shown('benchmark.hidden', { min: 5 })

describe('the threshold: 4 organisations hidden, 5 shown', () => {
  it('with 4 taking part, every figure says fewer than 5 contribute, and no number is in the response', async () => {
    const c = await signInAs(t, e[0]!.viewer)
    const res = await c.get('/benchmark')
    assert.equal(res.statusCode, 200)
    const body = figures(res.body)
    for (const id of ['policy-in-force', 'policy-acknowledgement', 'governance-board', 'published-record', 'maturity-leadership', 'maturity-security']) {
      assert.ok(row(body, id).includes(hiddenText()), `${id} hidden`)
    }
    // 3 of 4 with a policy (75%), 1 of 4 with a board (25%), maturity 1 at each of levels 1–4: none of it anywhere.
    for (const figure of ['75%', '25%', '3 of 4', '1 of 4', '0 of 4', 'of 4 organisations', '<svg']) {
      assert.ok(!body.includes(figure), `"${figure}" is not in the response`)
    }
  })

  it('the fifth opts in: figures with 5 contributors are shown; one drawn from fewer stays hidden', async () => {
    await optIn(e[4]!)
    const res = await (await signInAs(t, e[1]!.viewer)).get('/benchmark')
    const body = figures(res.body)
    assert.ok(row(body, 'policy-in-force').includes(shown('benchmark.share', { percent: 60, count: 3, total: 5 })), 'policy share at 5')
    assert.ok(row(body, 'governance-board').includes(shown('benchmark.share', { percent: 20, count: 1, total: 5 })), 'board share')
    assert.ok(row(body, 'published-record').includes(shown('benchmark.share', { percent: 0, count: 0, total: 5 })), 'published share')
    // Only 3 of the 5 have a staff policy in force: the median draws on 3, so it stays hidden.
    assert.ok(row(body, 'policy-acknowledgement').includes(hiddenText()), 'median from 3 hidden')
    // (Its median, 0%, is not in the response: seen by an organisation not taking part, so with no own value beside it.)
    const seenOutside = figures((await (await signInAs(t, outsider.viewer)).get('/benchmark')).body)
    assert.ok(row(seenOutside, 'policy-acknowledgement').includes(hiddenText()) && !row(seenOutside, 'policy-acknowledgement').includes('%'), 'the median is not in the response')
    // Four of the five assessed: hidden until the fifth does.
    assert.ok(row(body, 'maturity-policy').includes(hiddenText()), 'maturity from 4 hidden')
    await assess(e[4]!, 5)
    const after = figures((await (await signInAs(t, e[1]!.viewer)).get('/benchmark')).body)
    const maturity = row(after, 'maturity-policy')
    assert.ok(maturity.includes(shown('benchmark.distribution', { total: 5 })), 'maturity at 5 shown')
    assert.match(maturity, /<svg[^>]*role="img"/, 'as a chart')
    assert.ok(maturity.includes('<desc id="chart-maturity-policy-desc">'), 'described')
    assert.match(maturity, /<table class="govuk-table">/, 'and as a table')
  })
})

describe('filters', () => {
  it('nation: Wales has one organisation taking part, so nothing is shown', async () => {
    await optIn(wales)
    const c = await signInAs(t, e[0]!.viewer)
    const body = figures((await c.get('/benchmark?nation=wales')).body)
    for (const id of ['policy-in-force', 'governance-board', 'published-record', 'maturity-data']) assert.ok(row(body, id).includes(hiddenText()), id)
    assert.ok(!body.includes('of 1 organisations') && !body.includes('<svg'), 'no figure')
  })

  it('type and nation together: the five English district councils, shown only when that does not give away the rest', async () => {
    const c = await signInAs(t, e[0]!.viewer)
    const all = figures((await c.get('/benchmark')).body)
    assert.ok(row(all, 'policy-in-force').includes(shown('benchmark.share', { percent: 50, count: 3, total: 6 })), 'all six taking part')
    const views = [`/benchmark?type=${encodeURIComponent(DISTRICT)}`, `/benchmark?type=${encodeURIComponent(DISTRICT)}&nation=england`, '/benchmark?nation=england']
    // 3 of 6 overall and 3 of 5 English would say the one Welsh council has no policy: hidden.
    for (const url of views) {
      const body = figures((await c.get(url)).body)
      assert.ok(row(body, 'policy-in-force').includes(hiddenText()), `${url}: the one left out would be given away`)
      assert.ok(!body.includes('3 of 5'), `${url}: no number`)
    }
    // With the Welsh council out, the English view is the whole: shown.
    const welsh = await signInAs(t, wales.admin)
    await welsh.get('/benchmark')
    assert.equal((await welsh.post('/benchmark/participation', { participate: 'no' })).statusCode, 303)
    for (const url of views) {
      const body = figures((await c.get(url)).body)
      assert.ok(row(body, 'policy-in-force').includes(shown('benchmark.share', { percent: 60, count: 3, total: 5 })), url)
    }
    await optIn(wales)
    const unitary = figures((await c.get(`/benchmark?type=${encodeURIComponent('Unitary authority')}`)).body)
    assert.ok(row(unitary, 'policy-in-force').includes(hiddenText()), 'one unitary: hidden')
    const scotland = figures((await c.get('/benchmark?nation=scotland')).body)
    assert.ok(row(scotland, 'policy-in-force').includes(hiddenText()), 'none in Scotland: hidden')
  })

  it('the type list offers only types at least 5 taking part have recorded', async () => {
    const res = await (await signInAs(t, e[0]!.viewer)).get('/benchmark')
    assert.ok(res.body.includes(`<option value="${DISTRICT}"`), 'district councils offered')
    assert.ok(!res.body.includes('Unitary authority'), 'a type only one has is not offered')
  })

  it('bad filters are field errors, never a 500', async () => {
    const c = await signInAs(t, e[0]!.viewer)
    for (const url of ['/benchmark?nation=france', '/benchmark?nation=wales&nation=england', '/benchmark?type=a&type=b', `/benchmark?type=${'x'.repeat(10_000)}`]) {
      const res = await c.get(url)
      assert.equal(res.statusCode, 400, url.slice(0, 60))
      assert.ok(res.body.includes('govuk-error-summary'), `${url.slice(0, 60)}: the error summary`)
      assert.ok(!res.body.includes('<svg') && !res.body.includes('%'), 'no figures')
    }
    assert.equal((await c.get('/benchmark?type=%00')).statusCode, 400)
  })
})

describe('own values and taking part', () => {
  it('an organisation taking part sees its own values beside the sector\'s; one not taking part does not', async () => {
    const inside = await (await signInAs(t, e[0]!.viewer)).get('/benchmark')
    assert.ok(inside.body.includes(shown('benchmark.participating')), 'says it takes part')
    const policyRow = row(figures(inside.body), 'policy-in-force')
    assert.match(policyRow, /<td class="govuk-table__cell">Yes<\/td>/, 'own: a policy in force')
    assert.match(row(figures(inside.body), 'policy-acknowledgement'), /<td class="govuk-table__cell">33%<\/td>/, 'own: 2 of its 6 people acknowledged')
    assert.match(row(figures(inside.body), 'governance-board'), /<td class="govuk-table__cell">Yes<\/td>/, 'own: a board')
    const outside = await (await signInAs(t, outsider.viewer)).get('/benchmark')
    assert.equal(outside.statusCode, 200)
    assert.ok(outside.body.includes(shown('benchmark.notParticipating')), 'says it does not take part')
    assert.ok(!outside.body.includes(`<th scope="col" class="govuk-table__header">${shown('benchmark.table.own')}</th>`), 'no own column')
    assert.ok(inside.body.includes(`<th scope="col" class="govuk-table__header">${shown('benchmark.table.own')}</th>`), 'the own column (inside)')
    assert.ok(row(figures(outside.body), 'policy-in-force').includes(shown('benchmark.share', { percent: 50, count: 3, total: 6 })), 'the sector\'s figures still shown, without it')
  })

  it('staff may read it too', async () => {
    const res = await (await signInAs(t, staff)).get('/benchmark')
    assert.equal(res.statusCode, 200)
    assert.ok(!res.body.includes('id="benchmark-participation"'), 'no opt-in button')
  })

  it('only an admin opts in or out: others 403, CSRF checked, audited', async () => {
    for (const p of [outsider.viewer, outsider.contributor, outsider.assessor, outsider.board]) {
      const c = await signInAs(t, p)
      await c.get('/benchmark')
      assert.equal((await c.post('/benchmark/participation', { participate: 'yes' })).statusCode, 403, p.name)
    }
    const admin = await signInAs(t, outsider.admin)
    await admin.get('/benchmark')
    assert.equal((await admin.post('/benchmark/participation', { participate: 'yes', _csrf: '' })).statusCode, 403, 'no token')
    assert.equal((await admin.post('/benchmark/participation', { participate: 'maybe' })).statusCode, 400, 'bad value')
    assert.equal((await admin.post('/benchmark/participation', { participate: ['yes', 'no'] })).statusCode, 400, 'array')
    await assert.rejects(t.services.benchmark.setParticipation(outsider.viewer.user, true), /forbidden|403/i, 'the service refuses a viewer')
    const n = await t.db.query('select 1 from benchmark_participants where organisation_id = $1', [outsider.org.id])
    assert.equal(n.length, 0, 'still out')
    // In and out again, audited both ways.
    assert.equal((await admin.post('/benchmark/participation', { participate: 'yes' })).statusCode, 303)
    const joined = figures((await admin.get('/benchmark')).body)
    assert.ok(row(joined, 'policy-in-force').includes(shown('benchmark.share', { percent: 57, count: 4, total: 7 })), 'now counted')
    assert.equal((await admin.post('/benchmark/participation', { participate: 'no' })).statusCode, 303)
    const audit = await t.db.query<{ action: string }>("select action from audit_events where organisation_id = $1 and action like 'benchmark_%' order by id", [outsider.org.id])
    assert.deepEqual(audit.map((a) => a.action), ['benchmark_joined', 'benchmark_left'])
  })
})

describe('no organisation is ever identified', () => {
  it('no benchmark response holds any organisation\'s name, slug, id or identifier', async () => {
    const orgs = await t.db.query<{ id: string; slug: string; name: string; official_identifier: string | null }>(
      'select id, slug, name, official_identifier from organisations')
    const viewers: [Person, string][] = [
      [e[0]!.viewer, e[0]!.org.id], [e[0]!.admin, e[0]!.org.id], [staff, e[0]!.org.id], [wales.admin, wales.org.id], [outsider.viewer, outsider.org.id],
    ]
    const urls = ['/benchmark', '/benchmark?nation=wales', '/benchmark?nation=england', `/benchmark?type=${encodeURIComponent(DISTRICT)}`,
      `/benchmark?type=${encodeURIComponent(DISTRICT)}&nation=england`, '/benchmark?nation=scotland', '/benchmark?nation=france', '/benchmark?done=joined']
    let checked = 0
    for (const [person, ownId] of viewers) {
      const c: Client = await signInAs(t, person)
      for (const url of urls) {
        const res = await c.get(url)
        for (const o of orgs) {
          // The header names the person's own organisation (every signed-in page does; its slug is part of the name); nothing else may.
          const words = o.id === ownId ? [o.id, o.official_identifier] : [o.id, o.slug, o.name, o.official_identifier]
          for (const w of words) {
            if (!w) continue
            assert.ok(!res.body.toLowerCase().includes(w.toLowerCase()), `${url} as ${person.name}: "${w}" is not in the response`)
            checked++
          }
        }
        // Below the header, not even the person's own organisation is named.
        const own = orgs.find((o) => o.id === ownId)!
        for (const w of [own.name, own.slug]) assert.ok(!figures(res.body).toLowerCase().includes(w.toLowerCase()), `${url}: own "${w}" not among the figures`)
      }
    }
    assert.ok(checked > 1000, `checked ${checked} (page × organisation × identity) pairs`)
  })
})
