import type { CurrentUser } from '../../platform/auth/store.ts'
import { HttpError } from '../../platform/http/errors.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { fieldByKey } from '../transparency/atrs.ts'
import { quorumInWords } from './quorumWords.ts'
import type { BoardPack, PackEntry, PackItem } from './packModel.ts'

/**
 * Assembles a meeting's board pack from every feature that knows part of it, through their
 * services: the meeting and its agenda (board), each entry (register), its assessments and open
 * MUST actions (assessments), its risk register (risks) and its draft ATRS record (transparency).
 */
export async function assemblePack(services: Services, user: CurrentUser, meetingId: string): Promise<BoardPack> {
  const detail = await services.board.meeting(user, meetingId)
  const entries = new Map<string, PackEntry | null>()
  const titles = new Map(services.assessments.allSets(user).map((set) => [set.id, set.title]))

  async function entryOf(id: string): Promise<PackEntry | null> {
    if (entries.has(id)) return entries.get(id)!
    let packed: PackEntry | null = null
    try {
      const entry = await services.register.get(user, id)
      const [needs, actions, risks, record] = await Promise.all([
        services.assessments.needs(user, entry), services.assessments.openMustActions(user, entry.id),
        services.risks.listFor(user, entry.id), services.transparency.recordFor(user, entry.id),
      ])
      packed = {
        id: entry.id, name: entry.name, purpose: entry.purpose, serviceArea: entry.serviceArea, owner: entry.owner, supplier: entry.supplier,
        stage: t(`stage.${entry.stage}`), riskTier: entry.riskTier ? t(`tier.${entry.riskTier}`) : null,
        decisionRole: t(`decisionRole.${entry.decisionRole}`), peopleAffected: entry.peopleAffected, humanOversight: entry.humanOversight,
        assessments: needs.filter((n) => n.applies || n.assessment).map((n) => ({
          title: n.set.title, needed: n.applies,
          status: t(`board.picture.statusOf.${n.assessment?.status ?? 'not_started'}`),
          tier: n.assessment?.outcome ? t(`tier.${n.assessment.outcome.tier}`) : null,
          summary: n.assessment?.outcome?.flags.map((f) => f.label).join('; ') || null,
        })),
        openMustActions: actions.map((a) => ({
          text: a.text, owner: a.owner, dueDate: a.dueDate,
          sources: [...new Set(a.sources.map((s) => titles.get(s.setId) ?? s.setId))].join(', '),
        })),
        risks: risks.map((r) => ({
          category: r.category, description: r.description, inherent: r.inherent, residual: r.residual, owner: r.owner, mitigation: r.mitigation,
        })),
        atrs: record
          ? Object.entries(record.fields).filter(([, v]) => typeof v === 'string' && v.trim())
            .map(([k, v]) => ({ label: fieldByKey(k)?.label ?? k, value: String(v) }))
          : null,
      }
    } catch (err) {
      // An entry the agenda names that this person cannot see any more is left out; anything else is a fault.
      if (!(err instanceof HttpError && err.statusCode === 404)) throw err
      packed = null
    }
    entries.set(id, packed)
    return packed
  }

  const items: PackItem[] = []
  for (const item of detail.agenda) {
    const entry = item.entryId ? await entryOf(item.entryId) : null
    let condition: PackItem['condition'] = null
    let decision: PackItem['decision'] = null
    if (item.entryId && (item.conditionId || item.decisionId)) {
      const decisions = await services.board.decisionsFor(user, item.entryId)
      const c = item.conditionId ? decisions.flatMap((d) => d.conditions).find((x) => x.id === item.conditionId) : undefined
      if (c) condition = { text: c.text, owner: c.ownerName, dueDate: c.dueDate, status: t(`condition.${c.status}`) }
      const d = item.decisionId ? decisions.find((x) => x.id === item.decisionId) : undefined
      if (d) decision = { outcome: t(`outcome.${d.outcome}`), rationale: d.rationale, decidedBy: d.decidedBy, decidedAt: d.decidedAt }
    }
    items.push({ position: item.position, kind: item.kind, title: item.title, entry, condition, decision })
  }
  const org = await services.organisations.get(user.organisationId)
  return {
    organisationName: org.name, boardName: detail.board.name, meetsAt: detail.meeting.meetsAt, location: detail.meeting.location,
    quorum: quorumInWords(detail.board.quorum),
    members: detail.members.map((m) => ({ name: m.name, seat: t(`board.seat.${m.seat}`) })),
    generatedAt: new Date(), items,
  }
}
