// Review regression for `aigov reminders`: a policy's title goes into the reminder's subject, and a
// title holding a line break (the editor's title field takes any text) must not stop the run.
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { daysFromToday, makeOrganisation, makePerson, makeTeam, type Team } from '../../../test/support/factories.ts'

let t: TestApp
let team: Team

before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t, await makeOrganisation(t, { slug: 'remindreview' }))
  await makePerson(t, team.org, ['staff'], { email: 'waiting@remindreview.example' })
  const s = t.services.policies
  const policy = await s.adopt(team.admin.user, 'acceptable_use')
  // As a crafted edit form would leave it (the draft's title).
  await t.db.query('update policy_versions set title = $2 where policy_id = $1', [policy.id, 'Generative AI\nacceptable use'])
  await s.submit(team.admin.user, policy.id)
  await s.approve(team.board.user, policy.id, 'major')
  await s.publish(team.admin.user, policy.id, { effectiveDate: daysFromToday(0), reviewDate: daysFromToday(365) })
})

after(async () => {
  await t?.close()
})

it('a title with a line break still queues reminders, each subject on one line', async () => {
  const run = await t.services.policies.acknowledgements.queueReminders({ days: 0, now: new Date(Date.now() + 60_000) })
  assert.ok(run.queued > 0, `reminders queued (${JSON.stringify(run)})`)
  const [mail] = await t.db.query<{ subject: string }>(
    "select subject from mail_outbox where to_address = 'waiting@remindreview.example' and kind = 'reminder.acknowledgement'")
  assert.ok(mail, 'the waiting person is reminded')
  assert.ok(!/[\r\n]/.test(mail.subject), `one line: ${JSON.stringify(mail.subject)}`)
})
