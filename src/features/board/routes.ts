import type { FastifyInstance, FastifyReply } from 'fastify'
import { addBoardDashboardMetrics } from './dashboardMetrics.ts'
import { addBoardHomePanel } from './homePanel.ts'
import { z } from 'zod'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission, requireUser } from '../../platform/http/auth.ts'
import { HttpError, notFound } from '../../platform/http/errors.ts'
import { dateFromParts, type FormErrors, formErrors, formValue, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import { isUuid, todayIso } from '../../platform/validation.ts'
import type { Services } from '../../services.ts'
import type { RegisterEntry } from '../register/model.ts'
import { type Decision, DECISION_OUTCOMES, decisionInput, ESCALATIONS, REVIEW_OUTCOMES } from './model.ts'
import { assemblePack } from './pack.ts'
import { packDocx, packFilename, packPdf } from './packRender.ts'
import { DecisionRefused, SeparationRefused } from './service.ts'

type Params = { id: string }
type Body = Record<string, unknown>

/** Rows of conditions the decision form offers (a row left blank is ignored). */
export const CONDITION_ROWS = 3

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

/** "meeting:<id>" or "chair:<board id>" → where the decision is taken. */
function sittingFrom(v: unknown): unknown {
  const s = str(v)
  const [kind, id] = s.split(':')
  if (kind === 'meeting' && id) return { kind: 'meeting', meetingId: id }
  if (kind === 'chair' && id) return { kind: 'chair', boardId: id }
  return undefined
}

function decisionFromForm(body: Body) {
  const conditions: unknown[] = []
  for (let i = 0; i < CONDITION_ROWS; i++) {
    const text = str(body[`condition-${i}-text`])
    const ownerId = str(body[`condition-${i}-owner`])
    const dueDate = dateFromParts(body, `condition-${i}-due`)
    if (!text && !ownerId && !dueDate) continue
    conditions.push({ text, ownerId: ownerId || undefined, dueDate })
  }
  return {
    sitting: sittingFrom(body.sitting),
    outcome: formValue.text(body.outcome),
    rationale: formValue.text(body.rationale),
    reviewDate: dateFromParts(body, 'reviewDate'),
    conditions,
    needed: formValue.text(body.needed),
    escalatedTo: formValue.text(body.escalatedTo),
    escalationRef: formValue.text(body.escalationRef),
    minutesRef: formValue.text(body.minutesRef),
    decidedAnyway: formValue.text(body.decidedAnyway),
    // Ticked open actions come as one value or several; anything else is refused by the schema.
    acceptedActions: body.acceptedActions === undefined ? [] : typeof body.acceptedActions === 'string' ? [body.acceptedActions] : body.acceptedActions,
    acceptanceReason: formValue.text(body.acceptanceReason),
  }
}

/** The ticked open actions, to tick them again when the form comes back. */
function tickedActions(body: Body): string[] {
  const v = body.acceptedActions
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []
}

/** The input an error links to: a date's first box, a condition row's own box, the sitting radios. */
function decisionFieldId(f: string): string {
  if (f === 'reviewDate') return 'reviewDate-day'
  const row = /^conditions\.(\d+)\.(text|ownerId|dueDate)$/.exec(f)
  if (row) return `condition-${row[1]}-${row[2] === 'ownerId' ? 'owner' : row[2] === 'dueDate' ? 'due-day' : 'text'}`
  return f
}

/** One message per field: an item of the open-actions list on the list, the sitting's parts on the sitting. */
function decisionFields(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [f, message] of Object.entries(fields)) {
    const key = f.startsWith('acceptedActions') ? 'acceptedActions' : f.startsWith('sitting') ? 'sitting' : f
    out[key] ??= message
  }
  return out
}

export function boardRoutes(app: FastifyInstance, services: Services): void {
  const { register, board, assessments, risks } = services

  register.extensions.entryPanels.add({
    id: 'decisions',
    order: 20,
    template: 'board/views/_decisions.njk',
    load: async (user, entry) => {
      const canDecide = can(user.roles, 'decision:record')
      return {
        decisions: await board.decisionsFor(user, entry.id),
        canDecide,
        userId: user.id,
        review: await board.openReview(user, entry.id),
        mayReview: canDecide || can(user.roles, 'board:manage'),
        // Separation of duties: whether this board member may decide / close conditions here.
        separation: canDecide ? await board.separationFor(user, entry) : null,
      }
    },
  })

  addBoardHomePanel(services.home, board)
  addBoardDashboardMetrics(services.dashboard, board)

  // Home: the conditions this person owns and the reviews of uses they proposed, coming due.
  services.home.panels.add({
    id: 'board-due',
    order: 15,
    template: 'board/views/_home.njk',
    load: async (user) => {
      const until = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10)
      const [conditions, reviews] = await Promise.all([board.conditionsOwned(user), board.reviewsDue(user, until)])
      const mine = reviews.filter((r) => r.created_by === user.id)
      return conditions.length || mine.length ? { conditions, reviews: mine, canReadRegister: can(user.roles, 'register:read'), today: todayIso(), attention: conditions.length } : null
    },
  })

  /** The decision form: where, what, why, with the entry's full picture beside it. */
  const render = async (
    reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, values: Body, errors?: FormErrors, correcting?: Decision,
  ) => {
    const [sittings, needs, openActions, riskRows, people, review, unfinished] = await Promise.all([
      board.sittingsFor(user), assessments.needs(user, entry), board.openMustActions(user, entry.id), risks.listFor(user, entry.id),
      board.people(user), board.openReview(user, entry.id), board.unfinishedAssessments(user, entry),
    ])
    const underReview = correcting ? correcting.review : Boolean(review)
    return reply.view('board/views/decide.njk', {
      pageTitle: t(correcting ? 'board.correct.title' : 'board.decide.title', { name: entry.name }),
      entry,
      values,
      correcting: correcting ?? null,
      action: correcting ? `/board/decisions/${correcting.id}/correct` : `/register/${entry.id}/decision`,
      outcomes: underReview ? REVIEW_OUTCOMES : DECISION_OUTCOMES,
      underReview,
      escalations: ESCALATIONS,
      sittings,
      assessments: needs.filter((n) => n.applies || n.assessment),
      unfinished,
      risks: riskRows,
      people,
      conditionRows: [...Array(CONDITION_ROWS).keys()],
      separation: (await board.separationFor(user, entry)).decide,
      openActions,
      ticked: tickedActions(values),
      errors: errors?.fields ?? {},
      errorList: errors?.errorList ?? [],
    })
  }

  /** Refusals from the service, on the form: separation of duties on the whole form, the rest on their field. */
  async function recordOrRefuse(reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, body: Body, act: () => Promise<unknown>, correcting?: Decision) {
    try {
      await act()
      return null
    } catch (err) {
      if (err instanceof SeparationRefused) {
        reply.code(409)
        return render(reply, user, entry, body, formErrors({ _form: t(err.reason) }, () => 'separation'), correcting)
      }
      if (!(err instanceof DecisionRefused)) throw err
      // Not sitting on that board is a matter of who the person is (403); the rest is the state of things (409).
      reply.code(err.reason === 'board.errors.notMember' ? 403 : 409)
      return render(reply, user, entry, body, formErrors({ [err.field]: t(err.reason, err.vars) }, decisionFieldId), correcting)
    }
  }

  app.get<{ Params: Params; Querystring: { meeting?: string } }>('/register/:id/decision', async (request, reply) => {
    const user = requirePermission(request, 'decision:record')
    const entry = await register.get(user, request.params.id)
    const meeting = typeof request.query.meeting === 'string' && isUuid(request.query.meeting) ? `meeting:${request.query.meeting}` : undefined
    return render(reply, user, entry, meeting ? { sitting: meeting } : {})
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/decision', async (request, reply) => {
    const user = requirePermission(request, 'decision:record')
    const entry = await register.get(user, request.params.id)
    const parsed = parseWith(decisionInput, decisionFromForm(request.body))
    if (!parsed.ok) {
      reply.code(400)
      return render(reply, user, entry, request.body, formErrors(decisionFields(parsed.errors.fields), decisionFieldId))
    }
    const refused = await recordOrRefuse(reply, user, entry, request.body, () => board.record(user, entry.id, parsed.data))
    return refused ?? reply.redirect(`/register/${entry.id}?done=decided#decisions`, 303)
  })

  app.get<{ Params: { decisionId: string } }>('/board/decisions/:decisionId/correct', async (request, reply) => {
    const user = requirePermission(request, 'decision:record')
    const decision = await board.decision(user, request.params.decisionId)
    const entry = await register.get(user, decision.entryId)
    return render(reply, user, entry, { outcome: decision.outcome, rationale: decision.rationale }, undefined, decision)
  })

  app.post<{ Params: { decisionId: string }; Body: Body }>('/board/decisions/:decisionId/correct', async (request, reply) => {
    const user = requirePermission(request, 'decision:record')
    const decision = await board.decision(user, request.params.decisionId)
    const entry = await register.get(user, decision.entryId)
    const parsed = parseWith(decisionInput, decisionFromForm(request.body))
    if (!parsed.ok) {
      reply.code(400)
      return render(reply, user, entry, request.body, formErrors(decisionFields(parsed.errors.fields), decisionFieldId), decision)
    }
    const refused = await recordOrRefuse(reply, user, entry, request.body, () => board.correct(user, decision.id, parsed.data), decision)
    return refused ?? reply.redirect(`/register/${entry.id}?done=corrected#decisions`, 303)
  })

  // ---- Conditions: the owner's evidence; the board accepts or waives --------------------------

  const evidenceInput = z.object({
    evidence: z.string({ error: 'board.errors.evidence' }).trim().min(1, 'board.errors.evidence').max(10000, 'register.errors.tooLong')
      .refine((s) => !s.includes('\u0000'), 'board.errors.nul'),
    url: z.string().trim().max(2000, 'register.errors.tooLong')
      .refine((s) => s === '' || /^https?:\/\/[^\s]+$/i.test(s), 'board.errors.evidenceUrl')
      .transform((s) => s || null),
  })

  const conditionOf = async (user: CurrentUser, entryId: string, conditionId: string) => {
    const decisions = await board.decisionsFor(user, entryId)
    const condition = decisions.flatMap((d) => d.conditions).find((c) => c.id === conditionId)
    return condition ?? null
  }

  const renderEvidence = async (reply: FastifyReply, user: CurrentUser, entry: RegisterEntry, conditionId: string, values: Body, errors?: FormErrors) => {
    const condition = await conditionOf(user, entry.id, conditionId)
    if (!condition) throw notFound()
    return reply.view('board/views/evidence.njk', {
      pageTitle: t('board.evidence.title'), entry, condition, values,
      back: can(user.roles, 'register:read') ? `/register/${entry.id}#decisions` : '/home', errors: errors?.fields ?? {}, errorList: errors?.errorList ?? [],
    })
  }

  // The owner check is the gate: a condition's owner may be any person of the organisation, staff included.
  app.get<{ Params: Params & { conditionId: string } }>('/register/:id/conditions/:conditionId/evidence', async (request, reply) => {
    const user = requireUser(request)
    const entry = await register.get(user, request.params.id)
    const condition = await conditionOf(user, entry.id, request.params.conditionId)
    if (!condition) throw notFound()
    if (condition.ownerId !== user.id) throw new HttpError(403, 'board.errors.notOwner')
    return renderEvidence(reply, user, entry, condition.id, { evidence: condition.evidence ?? '', url: condition.evidenceUrl ?? '' })
  })

  app.post<{ Params: Params & { conditionId: string }; Body: Body }>('/register/:id/conditions/:conditionId/evidence', async (request, reply) => {
    const user = requireUser(request)
    const entry = await register.get(user, request.params.id)
    const condition = await conditionOf(user, entry.id, request.params.conditionId)
    if (!condition) throw notFound()
    if (condition.ownerId !== user.id) throw new HttpError(403, 'board.errors.notOwner')
    const parsed = parseWith(evidenceInput, { evidence: request.body.evidence, url: typeof request.body.url === 'string' ? request.body.url : '' })
    if (!parsed.ok) {
      reply.code(400)
      return renderEvidence(reply, user, entry, request.params.conditionId, request.body, parsed.errors)
    }
    try {
      await board.submitEvidence(user, entry.id, request.params.conditionId, { text: parsed.data.evidence, url: parsed.data.url })
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err
      reply.code(409)
      return renderEvidence(reply, user, entry, request.params.conditionId, request.body, formErrors({ evidence: t(err.reason) }))
    }
    return reply.redirect(can(user.roles, 'register:read') ? `/register/${entry.id}?done=evidence#decisions` : '/home?done=evidence', 303)
  })

  app.post<{ Params: Params & { conditionId: string }; Body: Body }>(
    '/register/:id/conditions/:conditionId',
    async (request, reply) => {
      const user = requirePermission(request, 'decision:record')
      const status = z.enum(['met', 'waived']).safeParse(request.body.status)
      const entry = await register.get(user, request.params.id)
      if (!status.success) return reply.redirect(`/register/${entry.id}#decisions`, 303)
      try {
        await board.closeCondition(user, entry.id, request.params.conditionId, status.data)
      } catch (err) {
        if (err instanceof SeparationRefused) {
          // The entry page says why (the panel shows the same sentence in place of the buttons).
          return reply.code(409).view('board/views/refused.njk', { pageTitle: t('board.separation.title'), entry, reason: t(err.reason) })
        }
        if (err instanceof DecisionRefused) {
          return reply.code(409).view('board/views/refused.njk', { pageTitle: t('board.refused.title'), entry, reason: t(err.reason, err.vars) })
        }
        throw err
      }
      return reply.redirect(`/register/${entry.id}?done=condition#decisions`, 303)
    },
  )

  // ---- The board pack: a print-friendly page, a PDF and a Word document ----------------------

  app.get<{ Params: { meetingId: string } }>('/board/meetings/:meetingId/pack', async (request, reply) => {
    const user = requirePermission(request, 'register:read')
    const pack = await assemblePack(services, user, request.params.meetingId)
    return reply.view('board/views/pack.njk', { pageTitle: t('board.pack.title', { board: pack.boardName }), pack, meetingId: request.params.meetingId })
  })

  for (const [ext, type, make] of [
    ['pdf', 'application/pdf', packPdf],
    ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', packDocx],
  ] as const) {
    app.get<{ Params: { meetingId: string } }>(`/board/meetings/:meetingId/pack.${ext}`, async (request, reply) => {
      const user = requirePermission(request, 'register:read')
      const pack = await assemblePack(services, user, request.params.meetingId)
      const file = await make(pack)
      return reply.type(type).header('content-disposition', `attachment; filename="${packFilename(pack, ext)}"`)
        .header('cache-control', 'private, no-store').send(file)
    })
  }

  // ---- Reviews ---------------------------------------------------------------------------------

  app.post<{ Params: Params }>('/register/:id/review', async (request, reply) => {
    const user = requireUser(request)
    if (!can(user.roles, 'decision:record') && !can(user.roles, 'board:manage')) requirePermission(request, 'decision:record')
    const entry = await register.get(user, request.params.id)
    try {
      await board.startReview(user, entry.id)
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err
      return reply.code(409).view('board/views/refused.njk', { pageTitle: t('board.refused.title'), entry, reason: t(err.reason) })
    }
    return reply.redirect(`/register/${entry.id}?done=review#decisions`, 303)
  })
}
