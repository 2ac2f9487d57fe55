import type { AgendaKind } from './model.ts'

/**
 * A board pack: everything a member reads before a meeting, as plain data. The service assembles
 * it (pack.ts's `assemblePack`); the renderers (print page, PDF, DOCX) only lay it out.
 * Text is as people wrote it (not escaped): each renderer escapes for its own format. Labels
 * (seat, stage, tier, status, outcome) arrive already in words; `kind` is the agenda kind's code.
 */
export interface BoardPack {
  organisationName: string
  boardName: string
  meetsAt: Date
  location: string
  /** The quorum rule in words. */
  quorum: string
  members: { name: string; seat: string }[]
  /** When the pack was made. */
  generatedAt: Date
  items: PackItem[]
}

export interface PackItem {
  position: number
  kind: AgendaKind
  title: string
  /** The entry the item is about (decision, review, condition, noting), if any. */
  entry: PackEntry | null
  /** The overdue condition the item is about. */
  condition: { text: string; owner: string | null; dueDate: string | null; status: string } | null
  /** The chair's action the item notes. */
  decision: { outcome: string; rationale: string; decidedBy: string; decidedAt: Date } | null
}

export interface PackEntry {
  id: string
  name: string
  purpose: string
  serviceArea: string
  owner: string
  supplier: string | null
  stage: string
  riskTier: string | null
  decisionRole: string
  peopleAffected: string
  humanOversight: string
  /** Each assessment the entry has or needs: its set's title, status and conclusion. */
  assessments: { title: string; needed: boolean; status: string; tier: string | null; summary: string | null }[]
  openMustActions: { text: string; owner: string | null; dueDate: string | null; sources: string }[]
  risks: {
    category: string; description: string; inherent: string | null; residual: string | null
    owner: string | null; mitigation: string | null
  }[]
  /** The draft ATRS record's filled fields (label and text), or null when none is drafted. */
  atrs: { label: string; value: string }[] | null
}
