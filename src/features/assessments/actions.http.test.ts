/**
 * One action, many sources (issue 8, item 4): an action several frameworks ask for is one
 * required action of the entry listing every rule that asks for it; it stays current while any
 * source fires and keeps its owner, due date and status; many actions change in one transaction,
 * each checked, with field errors keyed actions[<id>].<field>; the JSON API's shape.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeOrganisation, makeTeam, type Team } from '../../../test/support/factories.ts'
import type { RequiredAction } from './model.ts'

let t: TestApp
let team: Team
let token: string
let viewerToken: string
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
  token = await t.services.auth.createApiToken(team.contributor.id, team.org.id, 'test')
  viewerToken = await t.services.auth.createApiToken(team.viewer.id, team.org.id, 'test')
})
after(() => t.close())

const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` })
const actionsOf = (id: string) => t.services.assessments.actionsFor(team.viewer.user, id)
const byKey = async (id: string, key: string): Promise<RequiredAction> => {
  const action = (await actionsOf(id)).find((a) => a.key === key)
  assert.ok(action, `the entry has the action ${key}`)
  return action
}

/** A high-risk screening, then the DPIA screening saved on the same shared answers. */
async function screenedAndDpia() {
  const entry = await makeEntry(t, team, { stage: 'under_assessment', screening: 'high', personalData: true })
  const user = team.contributor.user
  const answers = await t.services.assessments.prefill(user, entry, 'dpia')
  const saved = await t.services.assessments.save(user, entry.id, 'dpia', answers, 'save')
  assert.ok(saved.ok, `the DPIA draft saves: ${JSON.stringify(saved)}`)
  return entry
}

describe('one action, many sources', () => {
  test('the full DPIA the screening and the DPIA screening both ask for is one action with both as sources', async () => {
    const entry = await screenedAndDpia()
    const actions = await actionsOf(entry.id)
    const dpia = actions.filter((a) => a.key === 'complete_dpia')
    assert.equal(dpia.length, 1, 'one action')
    const sets = new Set(dpia[0]!.sources.map((s) => s.setId))
    assert.deepEqual([...sets].sort(), ['dpia', 'screening'], 'both frameworks are its sources')
    assert.ok(dpia[0]!.sources.length > 2, 'every rule that asks for it is a source')
    for (const s of dpia[0]!.sources) assert.ok(s.ruleId && s.reason && s.source, `a source has a rule, a reason and a legal source: ${JSON.stringify(s)}`)
    assert.equal(dpia[0]!.level, 'MUST')
    assert.equal(dpia[0]!.ownerRequired, true, 'the screening needs an owner before an action is done')
    assert.equal(new Set(actions.map((a) => a.key)).size, actions.length, 'no key twice')
    assert.equal(new Set(actions.map((a) => `${a.level} ${a.text}`)).size, actions.length, 'no action twice in the same words')
  })

  test('owner, due date and status are kept while any source still fires; retired when none does', async () => {
    const entry = await screenedAndDpia()
    const user = team.contributor.user
    const dpia = await byKey(entry.id, 'complete_dpia')
    assert.ok((await t.services.assessments.updateActions(user, entry.id, [
      { id: dpia.id, status: 'done', owner: 'Data Protection Officer', dueDate: '2027-03-31' },
    ])).ok, 'updated')
    // The screening saved again with the same answers: the action is the same, kept as it was.
    const screening = await t.services.assessments.prefill(user, entry, 'screening')
    assert.ok((await t.services.assessments.save(user, entry.id, 'screening', screening, 'submit')).ok, 'the screening saves')
    const again = await byKey(entry.id, 'complete_dpia')
    assert.deepEqual([again.id, again.status, again.owner, again.dueDate], [dpia.id, 'done', 'Data Protection Officer', '2027-03-31'], 'kept')
    // The fundamental rights assessment only the screening asks for (for an Annex III area).
    const fria = await byKey(entry.id, 'fundamental_rights_assessment')
    assert.deepEqual(fria.sources.map((x) => x.setId), ['screening'], 'one source')
    assert.ok((await t.services.assessments.updateActions(user, entry.id, [{ id: fria.id, status: 'open', owner: 'Head of service', dueDate: '2027-05-01' }])).ok)
    // No Annex III area any more: no source fires, so it is no longer a current action.
    assert.ok((await t.services.assessments.save(user, entry.id, 'screening', { ...screening, annex_iii_areas: ['none'] }, 'submit')).ok, 'saved')
    assert.equal((await actionsOf(entry.id)).some((a) => a.key === 'fundamental_rights_assessment'), false, 'retired when no source fires')
    assert.equal((await byKey(entry.id, 'complete_dpia')).owner, 'Data Protection Officer', 'the DPIA, still asked for, is untouched')
    // Back in an Annex III area: the same action again, with its owner and due date.
    assert.ok((await t.services.assessments.save(user, entry.id, 'screening', screening, 'submit')).ok, 'saved')
    const back = await byKey(entry.id, 'fundamental_rights_assessment')
    assert.deepEqual([back.id, back.owner, back.dueDate], [fria.id, 'Head of service', '2027-05-01'], 'the same action, owner and due date kept')
  })

  test('many actions in one go: all changed, or none with a field error for each wrong one', async () => {
    const entry = await screenedAndDpia()
    const user = team.contributor.user
    const [a, b, c] = (await actionsOf(entry.id)).filter((x) => x.ownerRequired)
    assert.ok(a && b && c, 'three actions that need an owner')
    const refused = await t.services.assessments.updateActions(user, entry.id, [
      { id: a.id, status: 'done', owner: '  ', dueDate: null },
      { id: b.id, status: 'open', owner: 'Head of service', dueDate: '2027-02-30' },
      { id: c.id, status: 'done', owner: 'DPO', dueDate: '2027-01-31' },
    ])
    assert.equal(refused.ok, false, 'refused')
    assert.ok(!refused.ok)
    assert.deepEqual(Object.keys(refused.errors).sort(), [`actions[${a.id}].owner`, `actions[${b.id}].dueDate`].sort(), 'one error per wrong field, named by action')
    assert.match(refused.errors[`actions[${a.id}].owner`]!, /Enter who owns .* before marking it done/)
    assert.match(refused.errors[`actions[${b.id}].dueDate`]!, /real date/)
    const after1 = await actionsOf(entry.id)
    assert.equal(after1.find((x) => x.id === c.id)!.status, 'open', 'nothing was written, not even the valid one')

    const bad = await t.services.assessments.updateActions(user, entry.id, [
      { id: a.id, status: 'finished', owner: 7, dueDate: 20270101 },
      { id: b.id, status: 'open', owner: 'x'.repeat(201), dueDate: null },
    ])
    assert.ok(!bad.ok, 'wrong types are refused')
    assert.deepEqual(Object.keys(bad.errors).sort(),
      [`actions[${a.id}].status`, `actions[${a.id}].owner`, `actions[${a.id}].dueDate`, `actions[${b.id}].owner`].sort(), 'each named')

    const ok = await t.services.assessments.updateActions(user, entry.id, [
      { id: a.id, status: 'done', owner: 'Data Protection Officer', dueDate: null },
      { id: b.id, status: 'not_applicable', owner: null, dueDate: '2027-02-28' },
      { id: c.id, status: c.status, owner: c.owner, dueDate: c.dueDate },
    ])
    assert.deepEqual(ok, { ok: true, updated: 2 }, 'two changed; the unchanged one is left alone')
    const after2 = await actionsOf(entry.id)
    assert.deepEqual([after2.find((x) => x.id === a.id)!.status, after2.find((x) => x.id === a.id)!.owner], ['done', 'Data Protection Officer'])
    assert.deepEqual([after2.find((x) => x.id === b.id)!.status, after2.find((x) => x.id === b.id)!.dueDate], ['not_applicable', '2027-02-28'])
    const audit = await t.db.query<{ n: number }>(
      "select count(*)::int as n from audit_events where entity_id = $1 and action = 'action_updated'", [entry.id])
    assert.equal(audit[0]!.n, 2, 'each change is in the audit trail')
  })

  test('an id that is not one of the entry\'s actions is a 404, and changes nothing', async () => {
    const entry = await screenedAndDpia()
    const other = await screenedAndDpia()
    const [mine] = await actionsOf(entry.id)
    const [theirs] = await actionsOf(other.id)
    await assert.rejects(t.services.assessments.updateActions(team.contributor.user, entry.id, [
      { id: mine!.id, status: 'not_applicable', owner: null, dueDate: null },
      { id: theirs!.id, status: 'not_applicable', owner: null, dueDate: null },
    ]), (err: { statusCode?: number }) => err.statusCode === 404, 'another entry\'s action: 404')
    assert.equal((await actionsOf(entry.id))[0]!.status, mine!.status, 'nothing written')
    await assert.rejects(t.services.assessments.updateActions(team.contributor.user, entry.id, [{ id: 'nonsense', status: 'done', owner: 'x', dueDate: null }]),
      (err: { statusCode?: number }) => err.statusCode === 404, 'a malformed id: 404')
  })

  test('the single-action update keeps working, with the same checks', async () => {
    const entry = await screenedAndDpia()
    const dpia = await byKey(entry.id, 'complete_dpia')
    const refused = await t.services.assessments.updateAction(team.contributor.user, entry.id, dpia.id, { status: 'done', owner: null, dueDate: null })
    assert.equal(refused.ok, false, 'done without an owner is refused')
    const ok = await t.services.assessments.updateAction(team.contributor.user, entry.id, dpia.id, { status: 'done', owner: 'DPO', dueDate: null })
    assert.deepEqual(ok, { ok: true, updated: 1 }, 'saved')
  })
})

describe('the actions API', () => {
  test('GET lists each action once with its sources; PATCH changes many, or answers 400 naming each field', async () => {
    const entry = await screenedAndDpia()
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/entries/${entry.id}/actions`, headers: bearer(viewerToken) })
    assert.equal(res.statusCode, 200, res.body.slice(0, 300))
    const { actions } = res.json<{ actions: RequiredAction[] }>()
    const dpia = actions.find((a) => a.key === 'complete_dpia')
    assert.ok(dpia, 'the shared action is listed')
    assert.deepEqual(Object.keys(dpia).sort(), ['dueDate', 'id', 'key', 'level', 'owner', 'ownerRequired', 'sources', 'status', 'text'], 'the shape')
    assert.deepEqual(Object.keys(dpia.sources[0]!).sort(), ['reason', 'ruleId', 'setId', 'source'], 'a source\'s shape')

    const other = actions.find((a) => a.id !== dpia.id)!
    const bad = await t.app.inject({
      method: 'PATCH', url: `/api/v1/entries/${entry.id}/actions`, headers: bearer(token),
      payload: { actions: [{ id: dpia.id, status: 'done' }, { id: other.id, status: 'open', dueDate: '2027-13-01' }] },
    })
    assert.equal(bad.statusCode, 400, bad.body)
    const { fields } = bad.json<{ fields: Record<string, string> }>()
    assert.ok(fields[`actions[${dpia.id}].owner`], `the owner is named: ${JSON.stringify(fields)}`)
    assert.ok(fields[`actions[${other.id}].dueDate`], 'the due date is named')

    const ok = await t.app.inject({
      method: 'PATCH', url: `/api/v1/entries/${entry.id}/actions`, headers: bearer(token),
      payload: { actions: [{ id: dpia.id, status: 'done', owner: 'DPO', dueDate: '2027-01-31' }] },
    })
    assert.equal(ok.statusCode, 200, ok.body)
    const body = ok.json<{ updated: number; actions: RequiredAction[] }>()
    assert.equal(body.updated, 1)
    assert.deepEqual(body.actions.find((a) => a.id === dpia.id)!.owner, 'DPO', 'the changed action comes back')
  })

  test('the API refuses what it must: no token 401, a viewer 403, another council\'s entry 404, junk 400', async () => {
    const entry = await screenedAndDpia()
    const [action] = await actionsOf(entry.id)
    const url = `/api/v1/entries/${entry.id}/actions`
    const payload = { actions: [{ id: action!.id, status: 'not_applicable' }] }
    assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 401, 'no token')
    assert.equal((await t.app.inject({ method: 'PATCH', url, headers: bearer(viewerToken), payload })).statusCode, 403, 'a viewer may not change actions')
    const elsewhere = await makeTeam(t, await makeOrganisation(t))
    const theirs = await t.services.auth.createApiToken(elsewhere.contributor.id, elsewhere.org.id, 'test')
    assert.equal((await t.app.inject({ method: 'GET', url, headers: bearer(theirs) })).statusCode, 404, 'another council: 404')
    assert.equal((await t.app.inject({ method: 'PATCH', url, headers: bearer(theirs), payload })).statusCode, 404, 'another council: 404')
    for (const junk of [{}, { actions: [] }, { actions: 'x' }, { actions: [{ id: action!.id, status: '\u0000' }] }]) {
      const res = await t.app.inject({ method: 'PATCH', url, headers: bearer(token), payload: junk })
      assert.equal(res.statusCode, 400, `${JSON.stringify(junk)} → 400 (${res.statusCode})`)
    }
    const unknown = await t.app.inject({ method: 'PATCH', url, headers: bearer(token), payload: { actions: [{ id: '00000000-0000-4000-8000-000000000000', status: 'done', owner: 'x' }] } })
    assert.equal(unknown.statusCode, 404, 'an id that is not one of its actions')
    assert.equal((await actionsOf(entry.id))[0]!.status, action!.status, 'nothing changed')
  })
})
