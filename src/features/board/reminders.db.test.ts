// `aigov reminders` for the board, as an operator runs it, in its own process on an embedded
// database folder, delivered by `aigov mail send` to a real SMTP server: each condition still open
// or submitted and due within 14 days (or overdue) is reminded to its owner, and each review of a
// use in service to its proposer and to the chair and secretary of the board that took the latest
// decision — once per item and person, so a second run queues nothing; an item that becomes
// overdue is reminded once more. Boards, members, decisions and conditions are plain rows here.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { runAigov, seedDataDir } from '../../../test/support/cli.ts'
import { loadConfig } from '../../config.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { type Db, openPglite } from '../../platform/db/db.ts'
import { migrate } from '../../platform/db/migrate.ts'
import { formatDate } from '../../platform/http/views.ts'
import { startSmtpServer } from '../../platform/mail/smtpTestServer.ts'
import { todayIso } from '../../platform/validation.ts'
import { createServices } from '../../services.ts'
import { loadCatalogue } from '../assessments/catalogue.ts'
import type { Organisation } from '../organisations/model.ts'
import type { Stage } from '../register/model.ts'
import { addDays, createBoardReminders } from './reminders.ts'

const dir = mkdtempSync(join(tmpdir(), 'aigov-board-reminders-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const BASE = 'https://hub.example'
const aigov = (args: string[], env: Record<string, string> = {}) => runAigov(args, dir, { PUBLIC_BASE_URL: BASE, ...env })

const today = todayIso()
const day = (n: number) => addDays(today, n)

describe('aigov reminders (board)', () => {
  test('reminds each condition owner and each review\'s people once per item and period, in their own organisation', async () => {
    const expected: string[] = []
    const conditionMail = (to: string, period: 'due' | 'overdue', due: string, entry: string) =>
      `${to} | Condition ${period === 'due' ? 'due by' : 'overdue since'} ${formatDate(due)}: ${entry}`
    const reviewMail = (to: string, period: 'due' | 'overdue', due: string, entry: string) =>
      `${to} | Review ${period === 'due' ? 'due by' : 'overdue since'} ${formatDate(due)}: ${entry}`
    const ids: Record<string, string> = {}

    await seedDataDir(dir) // a migrated folder, as `aigov migrate` leaves it, without initdb
    let db: Db = await openPglite(dir)
    try {
      await migrate(db)
      const services = createServices(db, await loadCatalogue(), loadConfig({ NODE_ENV: 'test' }))
      const person = async (org: Organisation, email: string, roles: CurrentUser['roles']): Promise<CurrentUser> => {
        const { id } = await services.people.createAccount({ email, name: email.split('@')[0]!, password: 'reminder-password-1', organisationId: org.id, roles })
        return { id, email, name: email, organisationId: org.id, organisationName: org.name, organisationSlug: org.slug, roles, via: 'session' }
      }
      const entry = async (by: CurrentUser, name: string, stage: Stage, reviewDate: string | null) => {
        const e = await services.register.create(by, {
          name, purpose: 'Helps the service answer residents sooner', serviceArea: 'Customer services', owner: 'Head of service', supplier: null,
          technique: 'Large language model', personalData: true, specialCategoryData: false, decisionRole: 'assists',
          peopleAffected: 'Residents', humanOversight: 'An officer checks every answer', nextReviewDate: null, stage: 'proposed',
        })
        // The register's own columns, set as decisions and reviews would have left them.
        await db.query('update register_entries set stage = $3, next_review_date = $4 where organisation_id = $1 and id = $2', [by.organisationId, e.id, stage, reviewDate])
        ids[name] = e.id
        return e.id
      }
      const board = async (org: Organisation, name: string, members: [CurrentUser, string][]) => {
        const [b] = await db.query<{ id: string }>(
          `insert into boards (organisation_id, name, purpose, cadence, reporting_line, decision_types, quorum)
           values ($1, $2, 'Oversees the council''s use of AI', 'monthly', 'Reports to the audit committee', $3, $4) returning id`,
          [org.id, name, ['approve', 'reject'], JSON.stringify({ minPresent: 3, mustInclude: [['chair', 'deputy_chair']] })])
        for (const [m, seat] of members) {
          await db.query('insert into board_members (board_id, organisation_id, user_id, seat) values ($1, $2, $3, $4)', [b!.id, org.id, m.id, seat])
        }
        return b!.id
      }
      const decision = async (by: CurrentUser, entryId: string, boardId: string | null, daysAgo: number, outcome = 'approve_with_conditions') => {
        const [d] = await db.query<{ id: string }>(
          `insert into decisions (organisation_id, entry_id, outcome, rationale, decided_by, decided_at, board_id, entry_name)
           values ($1, $2, $3, 'Benefits outweigh the risks with the conditions set', $4, now() - make_interval(days => $5::int), $6,
             (select name from register_entries where id = $2)) returning id`,
          [by.organisationId, entryId, outcome, by.id, daysAgo, boardId])
        return d!.id
      }
      const condition = async (decisionId: string, entryId: string, owner: CurrentUser, text: string, due: string, status = 'open') => {
        await db.query(
          `insert into decision_conditions (organisation_id, decision_id, entry_id, text, status, owner_id, due_date) values ($1, $2, $3, $4, $5, $6, $7)`,
          [owner.organisationId, decisionId, entryId, text, status, owner.id, due])
      }

      // Duesshire: two boards; the AI board took the latest decisions.
      const due = await services.organisations.create({ slug: 'duesshire', name: 'Duesshire Council', contactEmail: null, websiteUrl: null, region: null })
      const admin = await person(due, 'admin@duesshire.example', ['admin'])
      const priya = await person(due, 'priya@duesshire.example', ['contributor'])
      const dan = await person(due, 'dan@duesshire.example', ['contributor'])
      const chen = await person(due, 'chen@duesshire.example', ['board_member'])
      const sue = await person(due, 'sue@duesshire.example', ['board_member'])
      const dee = await person(due, 'dee@duesshire.example', ['board_member'])
      const fred = await person(due, 'fred@duesshire.example', ['board_member'])
      const olivia = await person(due, 'olivia@duesshire.example', ['contributor'])
      const sam = await person(due, 'sam@duesshire.example', ['contributor'])
      const aiBoard = await board(due, 'AI Board', [[chen, 'chair'], [sue, 'secretary'], [dee, 'dpo']])
      const panel = await board(due, 'Fast-track panel', [[fred, 'chair'], [dee, 'secretary']])

      const chatbot = await entry(priya, 'Resident chatbot', 'live', day(5))
      await decision(fred, chatbot, panel, 30, 'defer')
      const chatbotDecision = await decision(dee, chatbot, aiBoard, 10)
      await condition(chatbotDecision, chatbot, olivia, 'Publish the privacy notice', day(1))
      await condition(chatbotDecision, chatbot, sam, 'Send the DPIA to the DPO', day(-3), 'submitted')
      await condition(chatbotDecision, chatbot, olivia, 'Train the contact centre', day(14))
      await condition(chatbotDecision, chatbot, olivia, 'Run a bias audit', day(15))
      await condition(chatbotDecision, chatbot, sam, 'Agree the retention period', day(30))
      await condition(chatbotDecision, chatbot, sam, 'Name a service owner', day(-1), 'met')
      await condition(chatbotDecision, chatbot, olivia, 'Consult the union', day(1), 'waived')
      expected.push(
        conditionMail(olivia.email, 'due', day(1), 'Resident chatbot'),
        conditionMail(sam.email, 'overdue', day(-3), 'Resident chatbot'),
        conditionMail(olivia.email, 'due', day(14), 'Resident chatbot'),
        reviewMail(priya.email, 'due', day(5), 'Resident chatbot'),
        reviewMail(chen.email, 'due', day(5), 'Resident chatbot'),
        reviewMail(sue.email, 'due', day(5), 'Resident chatbot'),
      )
      // Decided before boards existed: only the proposer hears of its review.
      const legacy = await entry(priya, 'Blue badge triage', 'approved', day(-10))
      await decision(dee, legacy, null, 400, 'approve')
      expected.push(reviewMail(priya.email, 'overdue', day(-10), 'Blue badge triage'))
      // The chair proposed it: one e-mail to him, not two.
      const planner = await entry(chen, 'Route planner', 'live', day(3))
      await decision(dee, planner, aiBoard, 50, 'approve')
      expected.push(reviewMail(chen.email, 'due', day(3), 'Route planner'), reviewMail(sue.email, 'due', day(3), 'Route planner'))
      // Its proposer has left: the chair and secretary still hear.
      const scanner = await entry(dan, 'Invoice scanner', 'pilot', day(10))
      await decision(dee, scanner, aiBoard, 20, 'approve')
      await services.people.deactivate(admin, dan.id)
      expected.push(reviewMail(chen.email, 'due', day(10), 'Invoice scanner'), reviewMail(sue.email, 'due', day(10), 'Invoice scanner'))
      // Not yet due, no longer in service, or the window's far edge: nothing.
      await decision(dee, await entry(priya, 'Grant scoring', 'pilot', day(15)), aiBoard, 5, 'approve')
      await decision(dee, await entry(priya, 'Old translator', 'retired', day(-1)), aiBoard, 5, 'approve')
      await entry(priya, 'Idea with a date', 'awaiting_decision', day(2))

      // Othershire: its own people, board and items, never mixed with Duesshire's.
      const other = await services.organisations.create({ slug: 'othershire', name: 'Othershire Council', contactEmail: null, websiteUrl: null, region: null })
      const bob = await person(other, 'bob@othershire.example', ['contributor'])
      const bea = await person(other, 'bea@othershire.example', ['board_member'])
      const olga = await person(other, 'olga@othershire.example', ['contributor'])
      const otherBoard = await board(other, 'AI Board', [[bea, 'chair']])
      const casework = await entry(bob, 'Casework summariser', 'live', day(2))
      const caseworkDecision = await decision(bea, casework, otherBoard, 15)
      await condition(caseworkDecision, casework, olga, 'Publish the ATRS record', day(1))
      expected.push(
        conditionMail(olga.email, 'due', day(1), 'Casework summariser'),
        reviewMail(bob.email, 'due', day(2), 'Casework summariser'),
        reviewMail(bea.email, 'due', day(2), 'Casework summariser'),
      )
    } finally {
      await db.close()
    }
    const first = expected.length

    const run1 = await aigov(['reminders'])
    assert.equal(run1.code, 0, run1.err)
    assert.match(run1.out, /Queued 0 reminders \(0 queued before\) for 0 policies in force for at least 14 days/, `the policies line stays: ${run1.out}`)
    assert.match(run1.out, new RegExp(`Board: queued ${first} reminders \\(0 queued before\\) for 4 conditions and 5 reviews due within 14 days or overdue`), run1.out)
    const run2 = await aigov(['reminders'])
    assert.equal(run2.code, 0, run2.err)
    assert.match(run2.out, new RegExp(`Board: queued 0 reminders \\(${first} queued before\\)`), `a second run queues nothing new: ${run2.out}`)

    // Two days on (the run as it would be then, looking at what is overdue or due that day): the
    // conditions due tomorrow are overdue, so their owners hear once more; nothing else is new.
    db = await openPglite(dir)
    try {
      const services = createServices(db, await loadCatalogue(), loadConfig({ NODE_ENV: 'test' }))
      const later = await createBoardReminders(db, services.register, services).queueReminders({ days: 0, baseUrl: BASE, today: day(2) })
      assert.equal(later.queued, 2, `one more for each condition now overdue: ${JSON.stringify(later)}`)
      const again = await createBoardReminders(db, services.register, services).queueReminders({ days: 0, baseUrl: BASE, today: day(2) })
      assert.equal(again.queued, 0, 'and only once')
      expected.push(
        conditionMail('olivia@duesshire.example', 'overdue', day(1), 'Resident chatbot'),
        conditionMail('olga@othershire.example', 'overdue', day(1), 'Casework summariser'),
      )

      const rows = await db.query<{ to_address: string; kind: string; body_text: string; org: string }>(
        `select m.to_address, m.kind, m.body_text, o.slug as org from mail_outbox m join organisations o on o.id = m.organisation_id
         where m.kind in ('reminder.condition', 'reminder.review')`)
      assert.equal(rows.length, expected.length, 'queued exactly the expected reminders')
      for (const r of rows) {
        assert.ok(r.to_address.endsWith(`@${r.org}.example`), `${r.to_address} is written to only about ${r.org}'s items`)
        const links = [...r.body_text.matchAll(/https:\/\/hub\.example\/register\/([0-9a-f-]{36})/g)].map((m) => m[1])
        assert.equal(links.length, 1, `one link to the entry in: ${r.body_text}`)
        assert.ok(Object.values(ids).includes(links[0]!), 'the link names a real entry')
      }
      const olivias = rows.filter((r) => r.to_address === 'olivia@duesshire.example')
      assert.ok(olivias.every((r) => r.body_text.includes(`/register/${ids['Resident chatbot']}`)), 'the condition links its entry')
      assert.ok(olivias.some((r) => r.body_text.includes('Publish the privacy notice')), 'the condition\'s text is in its e-mail')
      const sues = rows.filter((r) => r.to_address === 'sue@duesshire.example')
      assert.ok(sues.every((r) => r.body_text.includes('you are the secretary of AI Board')), 'the secretary is told why')
      const chens = rows.find((r) => r.to_address === 'chen@duesshire.example' && r.body_text.includes('Route planner'))
      assert.ok(chens?.body_text.includes('you proposed this use and you are the chair of AI Board'), `both reasons, in one e-mail: ${chens?.body_text}`)
    } finally {
      await db.close()
    }

    const smtp = await startSmtpServer()
    try {
      const sent = await aigov(['mail', 'send'], { SMTP_URL: smtp.url, MAIL_FROM: 'Hub <ai@hub.example>' })
      assert.equal(sent.code, 0, sent.err)
      assert.match(sent.out, new RegExp(`Sent ${expected.length}, failed 0`), sent.out)
      const received = smtp.received.map((m) => `${m.to.join(',')} | ${m.subject}`).sort()
      assert.deepEqual(received, [...expected].sort(), 'exactly one e-mail per item, period and person; none due later, closed or of the other council')
    } finally {
      await smtp.close()
    }
  })
})
