import { z } from 'zod'
import type { Db, Queryable } from '../../platform/db/db.ts'
import { col, many } from '../../platform/db/rows.ts'
import { formatDate } from '../../platform/http/views.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { type MailInput, queueMails } from '../../platform/mail/index.ts'
import { todayIso } from '../../platform/validation.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { PeopleService } from '../people/service.ts'
import type { RegisterService } from '../register/service.ts'

/**
 * Reminders of the board's work coming due (issue 10, item 8), queued by `aigov reminders` in every
 * organisation: a condition still open or submitted, to its owner; a review of a use in service
 * (approved, pilot, live), to whoever proposed the entry and to the chair and secretary of the board
 * that took the entry's latest decision. Only items due within `days` days or already overdue are
 * reminded, and each once per period: the outbox's dedupe key names the item, its due date, whether
 * it is due or overdue, and the person. Running it again queues nothing new; an item that becomes
 * overdue gets one more reminder, and one whose date moves is reminded afresh.
 */

/** The default window: reminded this many days ahead (the 14). */
export const BOARD_REMINDER_DAYS = 14

export type ReminderPeriod = 'due' | 'overdue'

export interface BoardReminderRun {
  /** Conditions due within the window or overdue (whether or not anyone could be written to). */
  conditions: number
  /** Reviews due within the window or overdue. */
  reviews: number
  queued: number
  alreadyQueued: number
}

export interface BoardReminderDeps {
  organisations: Pick<OrganisationService, 'activeList'>
  people: Pick<PeopleService, 'directory'>
}

/** Whether an item due on `due` is overdue on `today` (due today is still due, not overdue). */
export const periodOf = (due: string, today: string): ReminderPeriod => (due < today ? 'overdue' : 'due')

/** `iso` plus `days` calendar days, as YYYY-MM-DD. */
export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const conditionRow = z.object({
  id: col.uuid, organisation_id: col.uuid, entry_id: col.uuid, entry_name: col.text.nullable(), text: col.text,
  status: z.enum(['open', 'submitted']), owner_id: col.uuid, due_date: col.date,
})

/** Conditions still open or submitted, with an owner, due on or before `until`, in every organisation. */
const conditionsDue = (q: Queryable, until: string) =>
  many(q, conditionRow,
    `select c.id, c.organisation_id, c.entry_id, d.entry_name, c.text, c.status, c.owner_id, c.due_date
     from decision_conditions c join decisions d on d.id = c.decision_id and d.organisation_id = c.organisation_id
     where c.status in ('open', 'submitted') and c.owner_id is not null and c.due_date <= $1::date
     order by c.organisation_id, c.due_date, c.id`, [until])

const officerRow = z.object({ entry_id: col.uuid, user_id: col.uuid, seat: z.enum(['chair', 'secretary']), board_name: col.text })

/** For each entry, the chair and secretary of the board that took its latest decision (decisions with no board are passed over). */
const officersOf = (q: Queryable, organisationId: string, entryIds: readonly string[]) =>
  many(q, officerRow,
    `select l.entry_id, m.user_id, m.seat, b.name as board_name
     from (select distinct on (d.entry_id) d.entry_id, d.board_id from decisions d
           where d.organisation_id = $1 and d.entry_id = any($2::uuid[]) and d.board_id is not null
           order by d.entry_id, d.decided_at desc, d.id desc) l
       join boards b on b.id = l.board_id and b.organisation_id = $1
       join board_members m on m.board_id = l.board_id and m.organisation_id = $1
     where m.seat in ('chair', 'secretary')
     order by l.entry_id, m.seat, m.user_id`, [organisationId, entryIds])

// A subject is one line: a name stored before names were checked must not break it.
const oneLine = (s: string) => s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')

export function createBoardReminders(db: Db, register: Pick<RegisterService, 'reviewsDue'>, deps: BoardReminderDeps) {
  return {
    /**
     * Queues the reminders for every organisation, one transaction per organisation. `today`
     * (YYYY-MM-DD, the UK's today by default) decides what is due and what is overdue.
     */
    async queueReminders(opts: { days?: number; baseUrl: string; today?: string }): Promise<BoardReminderRun> {
      const today = opts.today ?? todayIso()
      const until = addDays(today, opts.days ?? BOARD_REMINDER_DAYS)
      const base = opts.baseUrl.replace(/\/+$/, '')
      const link = (entryId: string) => `${base}/register/${entryId}`
      const [conditions, reviews, organisations] = await Promise.all([conditionsDue(db, until), register.reviewsDue(until), deps.organisations.activeList()])
      const run: BoardReminderRun = { conditions: conditions.length, reviews: reviews.length, queued: 0, alreadyQueued: 0 }

      for (const org of organisations) {
        const orgConditions = conditions.filter((c) => c.organisation_id === org.id)
        const orgReviews = reviews.filter((r) => r.organisation_id === org.id)
        if (!orgConditions.length && !orgReviews.length) continue
        await db.transaction(async (tx) => {
          // Only active members on active accounts are written to.
          const people = new Map((await deps.people.directory(tx, org.id)).map((p) => [p.id, p]))
          const mails: MailInput[] = []

          for (const c of orgConditions) {
            const owner = people.get(c.owner_id)
            if (!owner) continue
            const period = periodOf(c.due_date, today)
            const vars = {
              name: owner.name, organisation: org.name, entry: c.entry_name ?? t('board.reminder.anEntry'),
              condition: c.text, dueDate: formatDate(c.due_date), link: link(c.entry_id),
            }
            mails.push({
              organisationId: org.id, to: owner.email, kind: 'reminder.condition',
              subject: oneLine(t(`board.reminder.condition.subject.${period}`, vars)),
              text: [t(`board.reminder.condition.text.${period}`, vars), t(`board.reminder.condition.status.${c.status}`, vars),
                t('board.reminder.condition.end', vars)].join('\n\n'),
              dedupeKey: `board-condition:${c.id}:${c.due_date}:${period}:${owner.id}`,
            })
          }

          const officers = orgReviews.length ? await officersOf(tx, org.id, orgReviews.map((r) => r.id)) : []
          for (const r of orgReviews) {
            // Each person once, with every reason they are written to.
            const reasons = new Map<string, string[]>()
            const add = (userId: string | null, reason: string) => {
              if (!userId || !people.has(userId)) return
              reasons.set(userId, [...(reasons.get(userId) ?? []), reason])
            }
            add(r.created_by, t('board.reminder.review.as.proposer'))
            for (const o of officers.filter((o) => o.entry_id === r.id)) add(o.user_id, t(`board.reminder.review.as.${o.seat}`, { board: o.board_name }))
            const period = periodOf(r.next_review_date, today)
            for (const [userId, why] of reasons) {
              const person = people.get(userId)!
              const vars = {
                name: person.name, organisation: org.name, entry: r.name, stage: t(`stage.${r.stage}`), dueDate: formatDate(r.next_review_date),
                link: link(r.id), reasons: why.join(t('board.reminder.review.and')),
              }
              mails.push({
                organisationId: org.id, to: person.email, kind: 'reminder.review',
                subject: oneLine(t(`board.reminder.review.subject.${period}`, vars)),
                text: t(`board.reminder.review.text.${period}`, vars),
                dedupeKey: `board-review:${r.id}:${r.next_review_date}:${period}:${userId}`,
              })
            }
          }

          const queued = await queueMails(tx, mails)
          run.queued += queued
          run.alreadyQueued += mails.length - queued
        })
      }
      return run
    },
  }
}
export type BoardReminders = ReturnType<typeof createBoardReminders>
