import { t } from '../../platform/i18n/i18n.ts'
import type { QuorumRule, QuorumShortfall, Seat } from './quorum.ts'

/** The quorum rule and a meeting's shortfalls in words, for the board's pages and its pack. */
/** A seat as the middle of a sentence says it ("the DPO"). */
const seatPhrase = (seat: Seat) => t(`board.pages.seatPhrase.${seat}`)

/** "a, b and c" */
function joinAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('')
  return `${parts.slice(0, -1).join(', ')} ${t('board.pages.and')} ${parts[parts.length - 1]!}`
}

const anyOf = (seats: readonly Seat[]) => seats.map(seatPhrase).join(` ${t('board.pages.or')} `)

/** The quorum rule as a sentence: "At least 3 voting members, including the chair or the deputy chair and the DPO or the SIRO." */
export function quorumInWords(rule: QuorumRule): string {
  const groups = rule.mustInclude.filter((g) => g.length > 0)
  const count = rule.minPresent
  if (!groups.length) return t('board.pages.quorum.rule', { count })
  return t('board.pages.quorum.ruleIncluding', { count, including: joinAnd(groups.map(anyOf)) })
}

/** Why a meeting is not quorate, one shortfall as a sentence. */
export function shortfallInWords(s: QuorumShortfall): string {
  if (s.kind === 'tooFew') return t('board.pages.quorum.tooFew', { present: s.present, needed: s.needed })
  const [a, b] = s.anyOf
  const sentence = s.anyOf.length === 1 ? t('board.pages.quorum.missingOne', { seat: seatPhrase(a!) })
    : s.anyOf.length === 2 ? t('board.pages.quorum.missingEither', { a: seatPhrase(a!), b: seatPhrase(b!) })
      : t('board.pages.quorum.missingAny', { seats: anyOf(s.anyOf) })
  return sentence.charAt(0).toUpperCase() + sentence.slice(1)
}
