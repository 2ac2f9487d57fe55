// Home, "what needs me" (issue 12 §6): signing in lands there; each role sees its own items, with
// due and overdue marked, another council's never; nothing needing the person says so.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, createTestApp, shown, type TestApp } from '../../../test/support/app.ts'
import { daysFromToday, makeEntry, makeOrganisation, makePerson, makeTeam, SCREENINGS, signInAs, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team
let other: Team
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  other = await makeTeam(t, await makeOrganisation(t, { name: 'Elsewhere Borough Council' }))
})
after(() => t.close())

const home = async (c: Client) => {
  const res = await c.get('/home')
  assert.equal(res.statusCode, 200)
  return res.body
}

describe('signing in', () => {
  test('lands on Home for every role; ?next= still wins', async () => {
    for (const p of [team.viewer, team.admin]) {
      const c = new Client(t.app)
      await c.get('/login')
      const res = await c.post('/login', { email: p.email, password: p.password })
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/home', p.roles.join())
      assert.equal((await c.get('/')).headers.location, '/home', 'the site root too')
    }
    const c = new Client(t.app)
    await c.get('/login?next=%2Fregister%3Fstage%3Dlive')
    const res = await c.post('/login', { email: team.viewer.email, password: team.viewer.password, next: '/register?stage=live' })
    assert.equal(res.headers.location, '/register?stage=live')
    const evil = new Client(t.app)
    await evil.get('/login')
    assert.equal((await evil.post('/login', { email: team.viewer.email, password: team.viewer.password, next: '//evil.example' })).headers.location, '/home')
  })
})

describe('what needs me', () => {
  test('an assessor sees assessments someone else submitted, not their own, nor another council’s', async () => {
    const entry = await makeEntry(t, team, { name: 'Case chronology drafting' })
    const r = await t.services.assessments.saveScreening(team.contributor.user, entry.id, SCREENINGS.low)
    assert.ok(r.ok)
    const own = await makeEntry(t, team, { name: 'Assessor screened this one', screening: 'low' })
    const elsewhere = await makeEntry(t, other, { name: 'Elsewhere screening' })
    await t.services.assessments.saveScreening(other.contributor.user, elsewhere.id, SCREENINGS.low)

    const body = await home(await signInAs(t, team.assessor))
    assert.ok(body.includes('id="assessments-signoff"'))
    assert.ok(body.includes(`/register/${entry.id}/assessments/screening`), 'the assessment to sign off is linked')
    assert.ok(!body.includes(`/register/${own.id}/assessments/screening`), 'not the one they submitted themselves')
    assert.ok(!body.includes('Elsewhere screening'), "never another council's")
    // Signed off: it leaves the list.
    await t.services.assessments.signOff(team.assessor.user, entry.id, 'screening')
    assert.ok(!(await home(await signInAs(t, team.assessor))).includes(`/register/${entry.id}/assessments/screening`))
    // Someone who may not sign off sees no such panel.
    assert.ok(!(await home(await signInAs(t, team.viewer))).includes('id="assessments-signoff"'))
  })

  test('a board member sees what awaits the board; a viewer does not', async () => {
    const waiting = await makeEntry(t, team, { name: 'Rent arrears prioritisation', stage: 'awaiting_decision' })
    await makeEntry(t, other, { name: 'Elsewhere awaiting', stage: 'awaiting_decision' })
    const body = await home(await signInAs(t, team.board))
    assert.ok(body.includes('id="board-awaiting"'))
    assert.ok(body.includes(`href="/register/${waiting.id}"`))
    assert.ok(!body.includes('Elsewhere awaiting'))
    assert.ok(!(await home(await signInAs(t, team.viewer))).includes('id="board-awaiting"'))
  })

  test('actions I own, due and overdue marked; someone else’s are not mine', async () => {
    const entry = await makeEntry(t, team, { name: 'Website chatbot', screening: 'high' })
    const actions = await t.services.assessments.actionsFor(team.contributor.user, entry.id)
    assert.ok(actions.length >= 3, `the screening asks for actions (${actions.length})`)
    const [late, soon, theirs] = actions
    const me = team.contributor
    const done = await t.services.assessments.updateActions(me.user, entry.id, [
      { id: late!.id, status: 'open', owner: me.name.toUpperCase(), dueDate: daysFromToday(-2) },
      { id: soon!.id, status: 'open', owner: ` ${me.email} `, dueDate: daysFromToday(5) },
      { id: theirs!.id, status: 'open', owner: 'Somebody Else', dueDate: daysFromToday(-9) },
    ])
    if (!done.ok) {
      // A past due date may be refused by the form's rules: set it as time passing would.
      await t.services.assessments.updateActions(me.user, entry.id, [
        { id: late!.id, status: 'open', owner: me.name.toUpperCase(), dueDate: daysFromToday(5) },
        { id: soon!.id, status: 'open', owner: ` ${me.email} `, dueDate: daysFromToday(5) },
        { id: theirs!.id, status: 'open', owner: 'Somebody Else', dueDate: daysFromToday(5) },
      ])
      await t.db.query('update entry_actions set due_date = $2 where id = $1', [late!.id, daysFromToday(-2)])
    }
    const body = await home(await signInAs(t, me))
    assert.ok(body.includes('id="assessments-actions"'))
    assert.ok(body.includes(`/register/${entry.id}/actions/${late!.id}`), 'owned by name (any case)')
    assert.ok(body.includes(`/register/${entry.id}/actions/${soon!.id}`), 'owned by e-mail address')
    assert.ok(!body.includes(`/register/${entry.id}/actions/${theirs!.id}`), 'not an action someone else owns')
    assert.match(body, /govuk-tag--red">\s*Overdue: due/)
    assert.ok(body.includes(shown('assessments.home.actions.overdueCount', { count: 1 })))
    assert.ok(body.includes(shown('assessments.home.actions.due', { date: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(new Date(`${daysFromToday(5)}T12:00:00Z`)) })))
    // Done: it leaves the list.
    await t.services.assessments.updateActions(me.user, entry.id, [{ id: soon!.id, status: 'done', owner: me.email, dueDate: daysFromToday(5) }])
    assert.ok(!(await home(await signInAs(t, me))).includes(`/register/${entry.id}/actions/${soon!.id}`))
  })

  test('conditions I own: an overdue one is marked', async () => {
    const owner = await makePerson(t, team.org, ['contributor'])
    const entry = await makeEntry(t, team, { name: 'Traffic signal timing', stage: 'approved', conditions: ['Publish the model card'] })
    const [decision] = await t.services.board.decisionsFor(team.board.user, entry.id)
    await t.db.query('update decision_conditions set owner_id = $2, due_date = $3 where id = $1', [decision!.conditions[0]!.id, owner.id, daysFromToday(-1)])
    const body = await home(await signInAs(t, owner))
    assert.ok(body.includes('Publish the model card'))
    assert.match(body, /Publish the model card<\/a>[^<]*<strong class="govuk-tag govuk-tag--red">Overdue<\/strong>/)
  })

  test('entries I proposed, with their stage', async () => {
    const proposer = await makePerson(t, team.org, ['contributor'])
    const a = await makeEntry(t, team, { name: 'Bin route optimisation', by: { proposer } })
    const b = await makeEntry(t, team, { name: 'Planning validation helper', stage: 'under_assessment', by: { proposer } })
    const body = await home(await signInAs(t, proposer))
    assert.ok(body.includes('id="register-proposed"'))
    assert.ok(body.includes(`href="/register/${a.id}"`) && body.includes(`href="/register/${b.id}"`))
    assert.match(body, /Planning validation helper<\/a>\s*<\/div>\s*<div class="govuk-task-list__status"[^>]*>\s*<strong class="govuk-tag govuk-tag--blue">\s*Under assessment/)
    assert.ok(!(await home(await signInAs(t, team.viewer))).includes('Bin route optimisation'), 'not on anyone else’s home')
  })

  test('a person nothing waits for is told so', async () => {
    const fresh = await makePerson(t, (await makeTeam(t)).org, ['viewer'])
    const body = await home(await signInAs(t, fresh))
    assert.ok(body.includes(shown('home.signedIn.nothingNeedsYou')))
    const assessorBody = await home(await signInAs(t, team.assessor))
    assert.ok(!assessorBody.includes(shown('home.signedIn.nothingNeedsYou')) || !assessorBody.includes('id="assessments-signoff"'))
  })
})
