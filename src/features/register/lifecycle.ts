import type { LifecycleFacts } from './extensions.ts'
import type { Stage } from './model.ts'

/** Facts about an entry that the lifecycle guards look at, provided by other features. */
export type LifecycleContext = LifecycleFacts

/** Moves a person may make by hand. Approval and rejection happen only through a board decision. */
const MOVES: Record<Stage, readonly Stage[]> = {
  idea: ['proposed', 'retired'],
  proposed: ['under_assessment', 'idea', 'retired'],
  under_assessment: ['awaiting_decision', 'proposed', 'retired'],
  awaiting_decision: ['under_assessment', 'retired'],
  approved: ['pilot', 'live', 'retired'],
  rejected: ['proposed', 'retired'],
  pilot: ['live', 'retired'],
  live: ['retired'],
  retired: [],
}

/** A refusal's `reason` is a message key; `vars` fill its placeholders (e.g. the actions it names). */
export type TransitionCheck = { ok: true } | { ok: false; reason: string; vars?: { count: number; actions: string } }

/** The open MUST actions the board has not accepted leaving open: these keep an entry out of pilot and live. */
export function blockingActions(ctx: LifecycleContext): { id: string; text: string }[] {
  const accepted = new Set(ctx.acceptedOpenActions)
  return ctx.openMustActions.filter((a) => !accepted.has(a.id))
}

/** Whether an entry may move from one stage to another; the reason is a message key. */
export function checkTransition(from: Stage, to: Stage, ctx: LifecycleContext): TransitionCheck {
  if (from === to) return { ok: false, reason: 'lifecycle.sameStage' }
  if (!MOVES[from].includes(to)) return { ok: false, reason: 'lifecycle.notAllowed' }
  if (to === 'awaiting_decision' && !ctx.screened) return { ok: false, reason: 'lifecycle.needsScreening' }
  if ((to === 'pilot' || to === 'live') && !ctx.approved) return { ok: false, reason: 'lifecycle.needsApproval' }
  if (to === 'live' && ctx.openConditions > 0) return { ok: false, reason: 'lifecycle.openConditions' }
  if (to === 'pilot' || to === 'live') {
    const blocking = blockingActions(ctx)
    if (blocking.length) {
      return { ok: false, reason: 'lifecycle.openMustActions', vars: { count: blocking.length, actions: blocking.map((a) => `‘${a.text}’`).join('; ') } }
    }
  }
  return { ok: true }
}

/** The stages a person could move to now, each with whether the guards allow it. */
export function nextStages(from: Stage, ctx: LifecycleContext): { stage: Stage; check: TransitionCheck }[] {
  return MOVES[from].map((stage) => ({ stage, check: checkTransition(from, stage, ctx) }))
}
