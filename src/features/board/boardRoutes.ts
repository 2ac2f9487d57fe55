import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { forbidden } from '../../platform/http/errors.ts'
import { dateFromParts, type FormErrors, formErrors, formValue, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { todayIso } from '../../platform/validation.ts'
import { formatDateTime } from '../../platform/http/views.ts'
import type { Services } from '../../services.ts'
import { renderMarkdown } from '../policies/render.ts'
import {
  AGENDA_KINDS, type Board, boardInput, CADENCES, DECISION_OUTCOMES, groupsOfRule, meetingInput, memberInput, QUORUM_GROUP_NAMES, TEMPLATE_BOARD,
} from './model.ts'
import { NON_VOTING, SEATS } from './quorum.ts'
import { quorumInWords, shortfallInWords } from './quorumWords.ts'
import { DecisionRefused } from './service.ts'

/**
 * The board's own pages (issue 10, items 1 and 2): the boards of the organisation, setting one up
 * from the terms-of-reference template, its members and meetings; a meeting with its quorum,
 * attendance, agenda and minutes. Every form works without JavaScript; a refusal of the service
 * re-renders the form with what was typed and an error summary naming the field.
 */

type Body = Record<string, unknown>

// ---- reading forms -----------------------------------------------------------------------------

/** A checkbox group's values: none, one or several (anything else goes to the schema to refuse). */
function ticked(v: unknown): unknown {
  if (v === undefined) return []
  if (typeof v === 'string') return [v]
  return v
}
const tickedStrings = (v: unknown): string[] => {
  const list = ticked(v)
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []
}
const str = (v: unknown): string => (typeof v === 'string' ? v : '')

function boardFromForm(body: Body) {
  return {
    name: typeof body.name === 'string' ? body.name : body.name ?? '',
    purpose: typeof body.purpose === 'string' ? body.purpose : body.purpose ?? '',
    cadence: formValue.text(body.cadence),
    reportingLine: typeof body.reportingLine === 'string' ? body.reportingLine : body.reportingLine ?? '',
    decisionTypes: ticked(body.decisionTypes),
    quorumMin: typeof body.quorumMin === 'string' ? body.quorumMin.trim() : body.quorumMin,
    quorumGroups: ticked(body.quorumGroups),
    fastTrack: formValue.bool(body.fastTrack),
  }
}

/** The form's values for a board (to start the form from the template or the board as it is). */
function boardValues(b: { name: string; purpose: string; cadence: string; reportingLine: string; decisionTypes: readonly string[]; quorumMin: number; quorumGroups: readonly string[]; fastTrack: boolean }) {
  return {
    name: b.name, purpose: b.purpose, cadence: b.cadence, reportingLine: b.reportingLine, decisionTypes: [...b.decisionTypes],
    quorumMin: String(b.quorumMin), quorumGroups: [...b.quorumGroups], fastTrack: b.fastTrack ? 'yes' : 'no',
  }
}
const valuesOfBoard = (b: Board) => boardValues({ ...b, quorumMin: b.quorum.minPresent, quorumGroups: groupsOfRule(b.quorum) })

/** What was typed, as the form shows it again. */
function typedBoard(body: Body) {
  return {
    name: str(body.name), purpose: str(body.purpose), cadence: str(body.cadence), reportingLine: str(body.reportingLine),
    decisionTypes: tickedStrings(body.decisionTypes), quorumMin: str(body.quorumMin), quorumGroups: tickedStrings(body.quorumGroups),
    fastTrack: str(body.fastTrack),
  }
}

/** The input each board field's error links to (a list's first box has the list's name). */
const boardFieldId = (f: string) => f.split('.')[0]!
/** One message per field: an item of a list reported on the list. */
function topFields(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [f, m] of Object.entries(fields)) out[f.split('.')[0]!] ??= m
  return out
}

const meetingFieldId = (f: string) => (f === 'date' ? 'date-day' : f)

const agendaInput = z.object({
  entryId: z.string().uuid('board.pages.errors.agendaEntry').nullish().transform((s) => s ?? null),
  title: z.string().trim().max(300, 'board.pages.errors.agendaTitleLong').nullish().transform((s) => (s ? s : null)),
}).refine((d) => d.entryId !== null || d.title !== null, { path: ['title'], message: 'board.pages.errors.agendaEmpty' })

const MEETING_MINUTES_MAX = 50000
const ITEM_MINUTES_MAX = 20000

const DONE = ['created', 'updated', 'memberAdded', 'memberRemoved', 'scheduled', 'attendance', 'agenda', 'minutes', 'approved'] as const
const flashFrom = (query: unknown) => {
  const done = (query as Record<string, unknown> | undefined)?.done
  return typeof done === 'string' && (DONE as readonly string[]).includes(done) ? t(`board.pages.done.${done}`) : undefined
}

/** The day `days` after today (UK), as YYYY-MM-DD. */
function dayAfterToday(days: number): string {
  const [y, m, d] = todayIso().split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

export function boardPagesRoutes(app: FastifyInstance, services: Services): void {
  const { board, register } = services

  // ---- the boards --------------------------------------------------------------------------

  app.get('/board', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const today = todayIso()
    const [boards, upcoming, due, reviews] = await Promise.all([
      board.list(user), board.upcoming(user), board.conditionsDue(user, dayAfterToday(30)), board.reviewsDue(user, dayAfterToday(30)),
    ])
    const now = Date.now()
    const rows = await Promise.all(boards.map(async (b) => ({
      board: b,
      members: (await board.members(user, b.id)).length,
      next: upcoming.find((m) => m.boardId === b.id && m.meetsAt.getTime() >= now - 12 * 3600_000) ?? null,
    })))
    const names = new Map(boards.map((b) => [b.id, b.name]))
    return reply.view('board/views/boards.njk', {
      pageTitle: t('board.pages.list.title'),
      rows,
      upcoming: upcoming.map((m) => ({ meeting: m, boardName: names.get(m.boardId) ?? '' })),
      conditions: due.map((c) => ({ ...c, overdue: c.due_date !== null && c.due_date < today })),
      reviews: reviews.map((r) => ({ ...r, overdue: r.next_review_date < today })),
      canSetUp: can(user.roles, 'board:manage'),
      flash: flashFrom(request.query),
    })
  })

  // ---- setting up and editing a board ---------------------------------------------------------

  const renderForm = (reply: FastifyReply, opts: { board?: Board; values: ReturnType<typeof typedBoard>; errors?: FormErrors }) =>
    reply.view('board/views/board-form.njk', {
      pageTitle: opts.board ? t('board.pages.form.editTitle', { name: opts.board.name }) : t('board.pages.form.newTitle'),
      board: opts.board ?? null,
      action: opts.board ? `/board/${opts.board.id}/edit` : '/board/new',
      values: opts.values,
      cadences: CADENCES,
      outcomes: DECISION_OUTCOMES,
      groups: QUORUM_GROUP_NAMES,
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
    })

  app.get('/board/new', async (request, reply) => {
    requirePermission(request, 'board:manage')
    return renderForm(reply, { values: boardValues(TEMPLATE_BOARD) })
  })

  app.post<{ Body: Body }>('/board/new', async (request, reply) => {
    const user = requirePermission(request, 'board:manage')
    const parsed = parseWith(boardInput, boardFromForm(request.body))
    if (!parsed.ok) {
      return renderForm(reply.code(400), { values: typedBoard(request.body), errors: formErrors(topFields(parsed.errors.fields), boardFieldId) })
    }
    try {
      const created = await board.create(user, parsed.data)
      return reply.redirect(`/board/${created.id}?done=created`, 303)
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err
      return renderForm(reply.code(409), { values: typedBoard(request.body), errors: formErrors({ [err.field]: t(err.reason, err.vars) }, boardFieldId) })
    }
  })

  /**
   * The board, for someone who may manage it (403 otherwise; 404 for another organisation's).
   * 'terms' (its terms of reference and seats) is for admins; 'meetings' also for its chair, deputy and secretary.
   */
  async function managed(user: CurrentUser, boardId: string, part: 'terms' | 'meetings'): Promise<Board> {
    const b = await board.get(user, boardId)
    const may = part === 'terms' ? can(user.roles, 'board:manage') : await board.mayManage(user, b.id)
    if (!may) throw forbidden()
    return b
  }

  app.get<{ Params: { boardId: string } }>('/board/:boardId/edit', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const b = await managed(user, request.params.boardId, 'terms')
    return renderForm(reply, { board: b, values: valuesOfBoard(b) })
  })

  app.post<{ Params: { boardId: string }; Body: Body }>('/board/:boardId/edit', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const b = await managed(user, request.params.boardId, 'terms')
    const parsed = parseWith(boardInput, boardFromForm(request.body))
    if (!parsed.ok) {
      return renderForm(reply.code(400), { board: b, values: typedBoard(request.body), errors: formErrors(topFields(parsed.errors.fields), boardFieldId) })
    }
    try {
      await board.update(user, b.id, parsed.data)
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err
      return renderForm(reply.code(409), { board: b, values: typedBoard(request.body), errors: formErrors({ [err.field]: t(err.reason, err.vars) }, boardFieldId) })
    }
    return reply.redirect(`/board/${b.id}?done=updated`, 303)
  })

  // ---- one board --------------------------------------------------------------------------------

  const renderBoard = async (reply: FastifyReply, user: CurrentUser, boardId: string, opts: { values?: Record<string, string>; errors?: FormErrors; flash?: string | undefined } = {}) => {
    const b = await board.get(user, boardId)
    const [members, meetings, mayManage] = await Promise.all([board.members(user, b.id), board.meetings(user, b.id), board.mayManage(user, b.id)])
    const people = can(user.roles, 'board:manage') ? await board.people(user) : []
    return reply.view('board/views/board-show.njk', {
      pageTitle: b.name,
      board: b,
      quorumWords: quorumInWords(b.quorum),
      members: members.map((m) => ({ ...m, votes: !NON_VOTING.includes(m.seat) })),
      meetings,
      now: new Date(),
      mayManage,
      maySetTerms: can(user.roles, 'board:manage'),
      people,
      seats: SEATS,
      values: opts.values ?? {},
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
      flash: opts.flash,
    })
  }

  app.get<{ Params: { boardId: string } }>('/board/:boardId', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    return renderBoard(reply, user, request.params.boardId, { flash: flashFrom(request.query) })
  })

  app.post<{ Params: { boardId: string }; Body: Body }>('/board/:boardId/members', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const b = await managed(user, request.params.boardId, 'terms')
    const values = { userId: str(request.body.userId), seat: str(request.body.seat) }
    const parsed = parseWith(memberInput, { userId: formValue.text(request.body.userId), seat: formValue.text(request.body.seat) })
    if (!parsed.ok) return renderBoard(reply.code(400), user, b.id, { values, errors: parsed.errors })
    try {
      await board.addMember(user, b.id, parsed.data.userId, parsed.data.seat)
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err
      return renderBoard(reply.code(409), user, b.id, { values, errors: formErrors({ [err.field]: t(err.reason, err.vars) }) })
    }
    return reply.redirect(`/board/${b.id}?done=memberAdded#members`, 303)
  })

  app.post<{ Params: { boardId: string; userId: string } }>('/board/:boardId/members/:userId/remove', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const b = await managed(user, request.params.boardId, 'terms')
    await board.removeMember(user, b.id, request.params.userId)
    return reply.redirect(`/board/${b.id}?done=memberRemoved#members`, 303)
  })

  // ---- scheduling a meeting -----------------------------------------------------------------------

  const renderSchedule = (reply: FastifyReply, b: Board, values: Record<string, string>, errors?: FormErrors) =>
    reply.view('board/views/meeting-new.njk', {
      pageTitle: t('board.pages.schedule.title', { name: b.name }),
      board: b, values,
      errors: errors?.fields ?? {},
      errorList: errors?.errorList ?? [],
    })

  app.get<{ Params: { boardId: string } }>('/board/:boardId/meetings/new', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const b = await managed(user, request.params.boardId, 'meetings')
    return renderSchedule(reply, b, { time: '10:00' })
  })

  app.post<{ Params: { boardId: string }; Body: Body }>('/board/:boardId/meetings/new', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const b = await managed(user, request.params.boardId, 'meetings')
    const body = request.body
    const values = {
      'date-day': str(body['date-day']), 'date-month': str(body['date-month']), 'date-year': str(body['date-year']),
      time: str(body.time), location: str(body.location), happened: body.happened === 'yes' ? 'yes' : '',
    }
    const parsed = parseWith(meetingInput, {
      date: dateFromParts(body, 'date'), time: body.time ?? '', location: body.location ?? '', happened: body.happened === 'yes',
    })
    if (!parsed.ok) return renderSchedule(reply.code(400), b, values, formErrors(parsed.errors.fields, meetingFieldId))
    try {
      const id = await board.schedule(user, b.id, parsed.data)
      return reply.redirect(`/board/meetings/${id}?done=scheduled`, 303)
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err
      return renderSchedule(reply.code(409), b, values, formErrors({ [err.field]: t(err.reason, err.vars) }, meetingFieldId))
    }
  })

  // ---- a meeting -----------------------------------------------------------------------------------

  interface MeetingOpts { errors?: FormErrors; values?: Record<string, unknown>; flash?: string | undefined }

  const renderMeeting = async (reply: FastifyReply, user: CurrentUser, meetingId: string, opts: MeetingOpts = {}) => {
    const detail = await board.meeting(user, meetingId)
    const { meeting, agenda, members, quorum } = detail
    const entries = detail.mayManage
      ? (await register.list(user, { stage: undefined, q: undefined, serviceArea: undefined, page: 1, perPage: 200 })).entries
      : []
    const values = opts.values ?? {}
    const approved = meeting.minutesApprovedAt !== null
    return reply.view('board/views/meeting.njk', {
      pageTitle: t('board.pages.meeting.title', { name: detail.board.name, date: formatDateTime(meeting.meetsAt) }),
      detail,
      meeting,
      boardOf: detail.board,
      quorum,
      shortfalls: quorum.shortfalls.map(shortfallInWords),
      quorumWords: quorumInWords(detail.board.quorum),
      attendees: members.filter((m) => meeting.attendees.includes(m.userId)),
      members,
      agenda: agenda.map((item, i) => ({
        ...item,
        first: i === 0,
        last: i === agenda.length - 1,
        decides: item.entryId !== null && (item.kind === 'decision' || item.kind === 'review'),
        minutesHtml: item.minutes ? renderMarkdown(item.minutes) : '',
        typed: typeof values[`item-${item.id}`] === 'string' ? values[`item-${item.id}`] : item.minutes,
      })),
      kinds: AGENDA_KINDS,
      entries,
      minutesHtml: meeting.minutes ? renderMarkdown(meeting.minutes) : '',
      minutesValue: typeof values.minutes === 'string' ? values.minutes : meeting.minutes,
      approved,
      canApprovePrevious: detail.mayManage && detail.previous !== null && detail.previous.minutesApprovedAt === null,
      agendaValues: { title: str(values.title), entryId: str(values.entryId) },
      errors: opts.errors?.fields ?? {},
      errorList: opts.errors?.errorList ?? [],
      flash: opts.flash,
    })
  }

  /** The meeting's board, for someone who may manage it (403 otherwise, 404 for another organisation's meeting). */
  async function managedMeeting(user: CurrentUser, meetingId: string) {
    const detail = await board.meeting(user, meetingId)
    if (!detail.mayManage) throw forbidden()
    return detail
  }

  app.get<{ Params: { meetingId: string } }>('/board/meetings/:meetingId', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    return renderMeeting(reply, user, request.params.meetingId, { flash: flashFrom(request.query) })
  })

  /** Runs a meeting action; a refusal re-renders the meeting page naming the field. */
  async function act(reply: FastifyReply, user: CurrentUser, meetingId: string, anchor: string, done: typeof DONE[number], values: Record<string, unknown>,
    fn: () => Promise<void>, idFor: (f: string) => string = (f) => f, field?: string) {
    try {
      await fn()
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err
      return renderMeeting(reply.code(409), user, meetingId, { values, errors: formErrors({ [field ?? err.field]: t(err.reason, err.vars) }, idFor) })
    }
    return reply.redirect(`/board/meetings/${meetingId}?done=${done}#${anchor}`, 303)
  }

  app.post<{ Params: { meetingId: string }; Body: Body }>('/board/meetings/:meetingId/attendance', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const { meeting } = await managedMeeting(user, request.params.meetingId)
    const ids = ticked(request.body.attendees)
    const parsed = z.array(z.string().uuid()).max(200).safeParse(ids)
    if (!parsed.success) {
      return renderMeeting(reply.code(400), user, meeting.id, { errors: formErrors({ attendees: t('board.pages.errors.attendees') }) })
    }
    return act(reply, user, meeting.id, 'attendance', 'attendance', {}, () => board.setAttendance(user, meeting.id, parsed.data))
  })

  app.post<{ Params: { meetingId: string }; Body: Body }>('/board/meetings/:meetingId/agenda', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const { meeting } = await managedMeeting(user, request.params.meetingId)
    const values = { title: str(request.body.title), entryId: str(request.body.entryId) }
    const parsed = parseWith(agendaInput, { entryId: formValue.text(request.body.entryId), title: formValue.text(request.body.title) })
    if (!parsed.ok) return renderMeeting(reply.code(400), user, meeting.id, { values, errors: formErrors(parsed.errors.fields, (f) => `agenda-${f}`) })
    return act(reply, user, meeting.id, 'agenda', 'agenda', values, () => board.addAgendaItem(user, meeting.id, parsed.data), (f) => `agenda-${f}`)
  })

  app.post<{ Params: { meetingId: string; itemId: string }; Body: Body }>('/board/meetings/:meetingId/agenda/:itemId/move', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const { meeting } = await managedMeeting(user, request.params.meetingId)
    const direction = z.enum(['up', 'down']).safeParse(request.body.direction)
    if (!direction.success) {
      return renderMeeting(reply.code(400), user, meeting.id, { errors: formErrors({ agenda: t('board.pages.errors.direction') }) })
    }
    return act(reply, user, meeting.id, `item-${request.params.itemId}`, 'agenda', {},
      () => board.moveAgendaItem(user, meeting.id, request.params.itemId, direction.data))
  })

  app.post<{ Params: { meetingId: string; itemId: string } }>('/board/meetings/:meetingId/agenda/:itemId/remove', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const { meeting } = await managedMeeting(user, request.params.meetingId)
    return act(reply, user, meeting.id, 'agenda', 'agenda', {}, () => board.removeAgendaItem(user, meeting.id, request.params.itemId))
  })

  app.post<{ Params: { meetingId: string }; Body: Body }>('/board/meetings/:meetingId/minutes', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const { meeting, agenda } = await managedMeeting(user, request.params.meetingId)
    const body = request.body
    const norm = (v: unknown) => (typeof v === 'string' ? v.replace(/\r\n/g, '\n') : null)
    const fields: Record<string, string> = {}
    const minutes = norm(body.minutes ?? '')
    if (minutes === null) fields.minutes = t('board.pages.errors.minutes')
    else if (minutes.length > MEETING_MINUTES_MAX) fields.minutes = t('board.pages.errors.minutesLong', { max: MEETING_MINUTES_MAX })
    const items: Record<string, { title: string; minutes: string }> = {}
    const values: Record<string, unknown> = { minutes: minutes ?? '' }
    for (const item of agenda) {
      const raw = body[`item-${item.id}`]
      if (raw === undefined) continue
      const text = norm(raw)
      values[`item-${item.id}`] = text ?? ''
      if (text === null) fields[`item-${item.id}`] = t('board.pages.errors.minutes')
      else if (text.length > ITEM_MINUTES_MAX) fields[`item-${item.id}`] = t('board.pages.errors.minutesLong', { max: ITEM_MINUTES_MAX })
      else items[item.id] = { title: item.title, minutes: text }
    }
    if (Object.keys(fields).length) return renderMeeting(reply.code(400), user, meeting.id, { values, errors: formErrors(fields) })
    return act(reply, user, meeting.id, 'minutes', 'minutes', values, () => board.saveMinutes(user, meeting.id, minutes ?? '', items))
  })

  app.post<{ Params: { meetingId: string } }>('/board/meetings/:meetingId/approve-previous-minutes', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const { meeting } = await managedMeeting(user, request.params.meetingId)
    return act(reply, user, meeting.id, 'minutes', 'approved', {}, () => board.approvePreviousMinutes(user, meeting.id), () => 'approve-previous', 'approvePrevious')
  })
}
