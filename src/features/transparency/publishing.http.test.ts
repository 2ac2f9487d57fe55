// Publishing an ATRS record (issue 7): nobody publishes a record they wrote unless the organisation
// relaxed separation of duties (then the version is marked), and the organisation named in a
// published record is always the organisation that publishes it.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Client, createTestApp, signIn, type TestApp } from '../../../test/support/app.ts'
import type { Role } from '../../platform/auth/permissions.ts'
import { type CurrentUser, insertUser } from '../../platform/auth/store.ts'
import { quorateMeeting } from '../board/testkit.ts'
import { approveRecord, completeRecord } from '../../../test/support/factories.ts'
import type { Organisation } from '../organisations/model.ts'

const PASSWORD = 'publishing-test-password'
let t: TestApp
let org: Organisation
let bare: Organisation
const people: Record<string, CurrentUser> = {}

async function person(key: string, roles: Role[], o: Organisation) {
  const email = `${key}@${o.slug}.example`
  const id = await t.db.transaction((tx) => insertUser(tx, { email, name: `${key[0]!.toUpperCase()}${key.slice(1)} Person`, password: PASSWORD, organisationId: o.id, roles }))
  people[key] = { id, email, name: key, organisationId: o.id, organisationName: o.name, organisationSlug: o.slug, roles, via: 'session' }
}

before(async () => {
  t = await createTestApp({ demo: false })
  org = await t.services.organisations.create({
    slug: 'eastmarsh', name: 'Eastmarsh City Council', contactEmail: 'transparency@eastmarsh.example',
    websiteUrl: 'https://www.eastmarsh.example/ai', region: 'East of England',
  })
  // Not settable through a page yet: the organisation's type, as its settings would hold it.
  await t.db.query("update organisations set organisation_type = 'Local authority' where id = $1", [org.id])
  bare = await t.services.organisations.create({ slug: 'no-contact', name: 'No Contact Parish', contactEmail: null, websiteUrl: null, region: null })
  await person('ann', ['admin'], org) // may edit and publish
  await person('cat', ['admin'], org) // a second admin
  await person('ben', ['contributor', 'assessor'], org) // edits, never publishes
  await person('bea', ['board_member'], org) // decides
  await person('nia', ['admin', 'contributor', 'assessor'], bare)
  await person('nob', ['board_member'], bare)
  await person('ned', ['assessor'], bare) // the bare council's DPO, so its board can be quorate
})
after(() => t.close())

/** A quorate meeting of the decider's council's board, with the decider in the chair. */
async function meetingFor(board: CurrentUser): Promise<string> {
  const [admin, dpo, member] = board.organisationId === org.id ? [people.ann!, people.cat!, people.ann!] : [people.nia!, people.ned!, people.nia!]
  return (await quorateMeeting(t.services, { admin, chair: board, dpo, member })).meetingId
}

let n = 0
/** An entry the board approved (proposed and screened by `by`, decided by `board`). */
async function approvedEntry(by: CurrentUser, board: CurrentUser): Promise<string> {
  const entry = await t.services.register.create(by, {
    name: `Planning validation checker ${++n}`, purpose: 'Checks planning applications for missing documents before an officer reads them.',
    serviceArea: 'Planning', owner: 'Head of Planning', supplier: null, technique: 'Rules and document classification',
    personalData: false, specialCategoryData: false, decisionRole: 'informs', peopleAffected: 'Applicants and agents',
    humanOversight: 'A validation officer confirms each finding.', nextReviewDate: null, stage: 'proposed',
  })
  const r = await t.services.assessments.saveScreening(by, entry.id, {
    personal_data: false, decision_role: 'informs', prohibited_practices: ['none'], annex_iii_areas: ['none'], public_facing: ['none'], equality_impact: 'no',
  })
  assert.ok(r.ok)
  await t.services.register.transition(by, entry.id, 'under_assessment')
  await t.services.register.transition(by, entry.id, 'awaiting_decision')
  await t.services.board.record(board, entry.id, {
    sitting: { kind: 'meeting', meetingId: await meetingFor(board) }, outcome: 'approve', rationale: 'Clear benefit.', reviewDate: '2031-03-31', conditions: [],
    // Only the screening is done: the other assessments a low-risk use needs are not started.
    decidedAnyway: 'Test entry: only the screening is done.',
  })
  return entry.id
}

/** What a council writes before publishing, beyond the draft. */
const COMPLETION = {
  benefit: 'Officers spend their time on complete applications.',
  risks_and_mitigations: 'A missed document is caught by the validation officer.',
}

async function edit(by: CurrentUser, entryId: string, fields: Record<string, string>) {
  const record = await t.services.transparency.recordFor(by, entryId)
  await t.services.transparency.update(by, entryId, record!.version, fields)
}

/** `writers[0]` drafts; each later writer saves an edit; the record is complete after the last. */
async function writtenBy(entryId: string, writers: CurrentUser[]) {
  await t.services.transparency.createDraft(writers[0]!, entryId)
  if (writers.length === 1) return edit(writers[0]!, entryId, COMPLETION)
  for (const [i, w] of writers.slice(1).entries()) await edit(w, entryId, { ...COMPLETION, team: `Planning team, edit ${i + 1}` })
}

/** The last writer fills what the standard still asks for; a board member who wrote nothing approves it. */
async function completeAndApprove(entryId: string, last: CurrentUser) {
  await completeRecord(t, last, await t.services.register.get(last, entryId))
  const reviewer = last.organisationId === org.id ? people.bea! : people.nob!
  await approveRecord(t, reviewer, await t.services.register.get(reviewer, entryId))
}

const setSeparation = (on: boolean) => t.services.organisations.setSeparationOfDuties(people.ann!, on)

const publications = async (entryId: string) =>
  t.db.query<{ version_no: number; separation_relaxed: boolean; fields: Record<string, string> }>(
    `select p.version_no, p.separation_relaxed, p.fields from transparency_publications p
     join transparency_records r on r.id = p.record_id where r.entry_id = $1 order by p.version_no`, [entryId])

const publishAudit = async (entryId: string) =>
  t.db.query<{ changes: Record<string, { to: unknown }> }>(
    "select changes from audit_events where entity_id = $1 and action = 'record_published' order by id", [entryId])

async function publishAs(key: string, entryId: string) {
  const c = await signIn(t.app, people[key]!.email, PASSWORD)
  const page = await c.get(`/register/${entryId}/transparency`)
  return { c, page, res: await c.post(`/register/${entryId}/transparency/publish`) }
}

const REFUSED = 'You wrote in this record since it was last published, so someone else must publish it.'

describe('separation of duties: publishing a record', () => {
  /** Who drafted and edited, who publishes, the organisation's setting → what happens. */
  const CASES: { writers: string[]; publisher: string; separation: boolean; expect: 'refused' | 'allowed' | 'marked' }[] = [
    { writers: ['ann'], publisher: 'ann', separation: true, expect: 'refused' },
    { writers: ['ben', 'ann'], publisher: 'ann', separation: true, expect: 'refused' },
    { writers: ['ben'], publisher: 'ann', separation: true, expect: 'allowed' },
    { writers: ['ben', 'cat'], publisher: 'ann', separation: true, expect: 'allowed' },
    { writers: ['ann'], publisher: 'ann', separation: false, expect: 'marked' },
    { writers: ['ben', 'ann'], publisher: 'ann', separation: false, expect: 'marked' },
    { writers: ['ben'], publisher: 'ann', separation: false, expect: 'allowed' },
  ]
  for (const c of CASES) {
    test(`written by ${c.writers.join(' then ')}, published by ${c.publisher}, separation ${c.separation ? 'on' : 'off'} → ${c.expect}`, async () => {
      const id = await approvedEntry(people.ben!, people.bea!)
      await writtenBy(id, c.writers.map((w) => people[w]!))
      await completeAndApprove(id, people[c.writers[c.writers.length - 1]!]!)
      await setSeparation(c.separation)
      const { c: client, page, res } = await publishAs(c.publisher, id)
      if (c.expect === 'refused') {
        assert.ok(page.body.includes(REFUSED.replace(/'/g, '&#39;')), 'the edit page says so in place of the button')
        assert.equal(res.statusCode, 409)
        assert.ok(res.body.includes(REFUSED.replace(/'/g, '&#39;')))
        assert.match(res.body, /govuk-error-summary/)
        assert.deepEqual(await publications(id), [])
        return
      }
      assert.equal(res.statusCode, 303, res.body.slice(0, 400))
      const [pub] = await publications(id)
      const [audit] = await publishAudit(id)
      const edit = await client.get(`/register/${id}/transparency`)
      assert.equal(pub!.separation_relaxed, c.expect === 'marked')
      assert.equal(audit!.changes.separationRelaxed?.to, c.expect === 'marked' ? true : undefined)
      if (c.expect === 'marked') assert.match(edit.body, /who wrote in this version of the record: the organisation allows this\./)
      else assert.doesNotMatch(edit.body, /the organisation allows this/)
    })
  }

  test('what counts is writing since the last published version', async () => {
    await setSeparation(true)
    const id = await approvedEntry(people.ben!, people.bea!)
    await writtenBy(id, [people.ann!])
    await completeAndApprove(id, people.ann!)
    assert.equal((await publishAs('cat', id)).res.statusCode, 303)
    // The approval was used up by publishing: the same text again needs a fresh review.
    assert.equal((await publishAs('ann', id)).res.statusCode, 409)
    // Ann wrote version 1, which Cat published; after Ben's edit and a review, Ann may publish it.
    await edit(people.ben!, id, { team: 'Planning and building control' })
    await completeAndApprove(id, people.ben!)
    assert.equal((await publishAs('ann', id)).res.statusCode, 303)
    // Once Ann writes in it again, someone else must publish, approved or not.
    await edit(people.ann!, id, { team: 'Planning, building control and land charges' })
    await completeAndApprove(id, people.ann!)
    assert.equal((await publishAs('ann', id)).res.statusCode, 409)
    assert.deepEqual((await publications(id)).map((p) => p.version_no), [1, 2])
  })
})

describe('the published organisation is the organisation', () => {
  test('the form shows who publishes as read-only, from the organisation settings', async () => {
    const id = await approvedEntry(people.ben!, people.bea!)
    await t.services.transparency.createDraft(people.ben!, id)
    const ben = await signIn(t.app, people.ben!.email, PASSWORD)
    const page = await ben.get(`/register/${id}/transparency`)
    for (const key of ['organisation_name', 'organisation_or_department', 'contact_email']) {
      assert.doesNotMatch(page.body, new RegExp(`name="${key}"`), `${key} has no input`)
      assert.match(page.body, new RegExp(`id="field-${key}"`))
    }
    assert.match(page.body, /This comes from your organisation&#39;s settings and is published as it is there/)
    assert.match(page.body, /data-field="organisation_name">Eastmarsh City Council</)
    assert.match(page.body, /data-field="contact_email">transparency@eastmarsh.example</)
  })

  test('a contributor cannot publish under another council’s name', async () => {
    const id = await approvedEntry(people.ben!, people.bea!)
    await t.services.transparency.createDraft(people.ben!, id)
    const ben = await signIn(t.app, people.ben!.email, PASSWORD)
    const form = await ben.get(`/register/${id}/transparency`)
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!
    const saved = await ben.post(`/register/${id}/transparency/edit`, {
      version, ...COMPLETION,
      organisation_name: 'Riverside District Council', organisation_or_department: 'Riverside District Council',
      contact_email: 'someone@riverside.example',
    })
    assert.equal(saved.statusCode, 303)
    // Text typed into those fields before they were locked is in the working record too.
    await t.db.query(
      `update transparency_records set fields = fields || '{"organisation_name": "Riverside District Council", "contact_email": "old@riverside.example"}'::jsonb
       where entry_id = $1`, [id])
    await completeAndApprove(id, people.ben!)

    const { res } = await publishAs('ann', id)
    assert.equal(res.statusCode, 303, res.body.slice(0, 400))
    const [pub] = await publications(id)
    assert.equal(pub!.fields.organisation_name, 'Eastmarsh City Council')
    assert.equal(pub!.fields.organisation_or_department, 'Eastmarsh City Council')
    assert.equal(pub!.fields.contact_email, 'transparency@eastmarsh.example')
    assert.equal(pub!.fields.organisation_type, 'Local authority')

    const slug = /\/public\/records\/eastmarsh\/([a-z0-9-]+)/.exec((await ben.get(`/register/${id}`)).body)![1]!
    const publicPage = await new Client(t.app).get(`/public/records/eastmarsh/${slug}`)
    assert.equal(publicPage.statusCode, 200)
    assert.doesNotMatch(publicPage.body, /Riverside|riverside\.example/)
    assert.match(publicPage.body, /Eastmarsh City Council/)
    assert.match(publicPage.body, /\(Local authority\)/)
    const exported = (await new Client(t.app).get('/public/records.json')).json<Record<string, string>[]>()
    const rec = exported.find((r) => r.id === `eastmarsh/${slug}`)!
    assert.equal(rec.organisation_name, 'Eastmarsh City Council')
    assert.equal(rec.contact_email, 'transparency@eastmarsh.example')
  })

  test('an organisation with no contact email in its settings cannot publish, and is told where to fix it', async () => {
    const id = await approvedEntry(people.nia!, people.nob!)
    await t.services.transparency.createDraft(people.nia!, id)
    await edit(people.nia!, id, {
      ...COMPLETION, website_url: 'https://www.nocontact.example/ai', region: 'England', contact_email: 'typed@nocontact.example',
    })
    await t.services.organisations.setSeparationOfDuties(people.nia!, false)
    const { res } = await publishAs('nia', id)
    assert.equal(res.statusCode, 409)
    assert.match(res.body, /href="#field-contact_email">Contact email comes from your organisation&#39;s settings, which do not have one\. Ask an administrator to add it\./)
    assert.deepEqual(await publications(id), [])
  })
})
