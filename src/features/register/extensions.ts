import type { CurrentUser } from '../../platform/auth/store.ts'
import type { Queryable } from '../../platform/db/db.ts'
import { createPanels } from '../../platform/http/panels.ts'
import type { RegisterEntry } from './model.ts'

/**
 * How other features plug into the register, without the register naming any of them
 * (docs/decisions/0005-feature-seams.md):
 *
 * - lifecycle facts: a feature tells the lifecycle guards what it knows about an entry
 *   ("screened", "approved", "open conditions", "open MUST actions", "actions the board accepted
 *   leaving open"); the register owns the guards and the facts'
 *   names, features own the SQL that establishes them;
 * - entry panels: a feature adds a part of the entry page, rendered by its own partial.
 */

/** What the lifecycle guards read about an entry. A fact nobody provides keeps its default. */
export interface LifecycleFacts {
  /** A screening of the entry has been completed (and not returned). */
  screened: boolean
  /** The latest board decision approved the use (with or without conditions). */
  approved: boolean
  /** Conditions of that approval not yet met or waived. */
  openConditions: number
  /** The entry's required MUST actions still open (by id, with their words for the refusal). */
  openMustActions: { id: string; text: string }[]
  /** Ids of open actions the board accepted leaving open, with a reason, in its latest decision. */
  acceptedOpenActions: string[]
}

export const DEFAULT_FACTS: LifecycleFacts = { screened: false, approved: false, openConditions: 0, openMustActions: [], acceptedOpenActions: [] }

/** Runs inside the register's transaction: it must use `q`, never its own db handle. */
export type FactProvider = (q: Queryable, organisationId: string, entryId: string) => Promise<Partial<LifecycleFacts>>

/**
 * Called inside the register's transaction after a person edits an entry's own fields, with the
 * entry before and after (the assessments bring the answers those fields give up to date).
 */
export type EntryUpdatedHook = (tx: Queryable, user: CurrentUser, before: RegisterEntry, after: RegisterEntry) => Promise<void>

export function createRegisterExtensions() {
  const providers: FactProvider[] = []
  const updatedHooks: EntryUpdatedHook[] = []
  return {
    /** Adds a listener for edits to an entry's own fields (called once, from a feature's service factory). */
    onEntryUpdated(hook: EntryUpdatedHook): void {
      updatedHooks.push(hook)
    },
    async entryUpdated(tx: Queryable, user: CurrentUser, before: RegisterEntry, after: RegisterEntry): Promise<void> {
      for (const hook of updatedHooks) await hook(tx, user, before, after)
    },
    /** Adds a source of lifecycle facts (called once, when a feature's service is created). */
    provideFacts(provider: FactProvider): void {
      providers.push(provider)
    },
    /** Every provider's facts over the defaults. */
    async facts(q: Queryable, organisationId: string, entryId: string): Promise<LifecycleFacts> {
      const facts: LifecycleFacts = { ...DEFAULT_FACTS }
      for (const provide of providers) Object.assign(facts, await provide(q, organisationId, entryId))
      return facts
    },
    /** Parts of the entry page other features contribute (added by each feature's routes). */
    entryPanels: createPanels<RegisterEntry>(),
  }
}
export type RegisterExtensions = ReturnType<typeof createRegisterExtensions>
