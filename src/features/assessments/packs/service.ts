/**
 * Framework packs without a deploy (issue 12 §8). A platform admin uploads a question set's YAML;
 * it is checked by the loader that checks content/assessments at start-up (validate.ts), kept as
 * a draft to preview, then put live for every organisation or for chosen ones, and may be
 * withdrawn. Uploads, go-lives, changes of audience and withdrawals are audited.
 *
 * Versions: a set is an id and a version, as in content/assessments. A new version of a pack is
 * a new upload with the same id and a higher version; it supersedes the older one for the
 * organisations it is published to (their next save uses it; assessments already made keep the
 * version they used and are evaluated against it). A built-in set may get a newer version the
 * same way (higher than its highest file), except the sets the code reads (RELEASE_ONLY_SETS).
 *
 * Going live takes effect at once in this process (the registry is swapped in whole) and, in
 * other processes on the same database, at their next request after a second at most: each
 * process compares the database's generation number with the one it loaded (refreshIfStale).
 */
import { recordAudit } from '../../../platform/audit.ts'
import type { CurrentUser } from '../../../platform/auth/store.ts'
import { formatIssue, parseYaml, type PathSegment } from '../../../platform/content/index.ts'
import type { Db, Queryable } from '../../../platform/db/db.ts'
import { forbidden, notFound } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/validation.ts'
import type { OrganisationService } from '../../organisations/service.ts'
import { loadSharedLibrary } from '../questionSet/load.ts'
import type { QuestionSet, SharedLibrary } from '../questionSet/schema.ts'
import { type PackAudience, type PackRow, RELEASE_ONLY_SETS } from './model.ts'
import type { RegisteredPack, SetRegistry } from './registry.ts'
import * as repo from './repository.ts'
import { builtInSets, checkPack, type KnownSet, type PackCheck, type PackProblem, textOf } from './validate.ts'

/** How long a process trusts the packs it loaded before asking the database's generation again. */
export const PACK_REFRESH_MS = 1000

/** A stored pack, with its set as the loader reads it now (or the problems, if it no longer passes). */
export interface PackDetail {
  pack: PackRow
  check: PackCheck
}

export type UploadResult = { ok: true; pack: PackRow; replaced: boolean } | { ok: false; problems: PackProblem[] }
export type GoLiveResult = { ok: true } | { ok: false; errors: Record<string, string>; problems?: PackProblem[] }

/** A pack's label in messages about other uploads: its file name. */
const labelOf = (p: PackRow) => `${p.fileName} (uploaded ${p.setId} v${p.setVersion})`

export function createPackService(db: Db, registry: SetRegistry, organisations: OrganisationService) {
  let shared: Promise<SharedLibrary> | undefined
  const library = () => (shared ??= loadSharedLibrary())
  /** Packs in force that no longer pass the loader (shared.yaml or a built-in set changed since): id → problems. */
  let broken = new Map<string, PackProblem[]>()
  let checkedAt = 0
  let refreshing: Promise<void> | null = null

  const requireAdmin = (user: CurrentUser) => {
    if (user.platformAdmin !== true) throw forbidden()
  }

  /** The sets an upload must agree with: the built-in ones, then the packs in force (not `except`). */
  const knownSets = async (q: Queryable, except?: string): Promise<KnownSet[]> => {
    const lib = await library()
    const known = builtInSets(registry.builtIn)
    for (const p of await repo.packsInForce(q)) {
      if (p.id === except) continue
      const check = checkPack(p.yaml, p.fileName, lib, [])
      if (check.ok) known.push({ set: check.set, label: labelOf(p) })
    }
    return known
  }

  /** The rules an upload meets beyond the loader's: which ids and versions may be uploaded. */
  async function versionProblems(q: Queryable, set: QuestionSet, text: string, file: string): Promise<PackProblem[]> {
    const doc = parseYaml(text, file)
    const at = (segments: PathSegment[], message: string): PackProblem => {
      const issue = doc.issueAt(segments, message)
      return { file, path: issue.path, line: issue.line ?? null, message, text: formatIssue(file, issue) }
    }
    if ((RELEASE_ONLY_SETS as readonly string[]).includes(set.id)) {
      return [at(['id'], `"${set.id}" is read by the application itself, so it changes only with a release; give the set an id of its own`)]
    }
    let builtInTop = 0
    try {
      builtInTop = registry.builtIn.latest(set.id).version
    } catch { /* not a built-in set */ }
    if (builtInTop >= set.version) {
      return [at(['version'], `"${set.id}" is a built-in set up to version ${builtInTop} (content/assessments/${set.id}); an upload may only add a higher version`)]
    }
    const same = (await repo.listPacks(q)).filter((p) => p.setId === set.id)
    const taken = same.find((p) => p.setVersion === set.version && p.status !== 'draft')
    if (taken) {
      return [at(['version'], `${set.id} version ${set.version} is already ${taken.status === 'live' ? 'live' : 'withdrawn'} (${taken.fileName}); a change needs a new version, higher than ${Math.max(...same.map((p) => p.setVersion))}`)]
    }
    const higher = same.filter((p) => p.status !== 'draft' && p.setVersion > set.version).map((p) => p.setVersion)
    if (higher.length) return [at(['version'], `${set.id} version ${Math.max(...higher)} is already in force; a new version must be higher`)]
    return []
  }

  const audit = (tx: Queryable, admin: CurrentUser, packId: string, action: string, changes: Record<string, unknown>) =>
    recordAudit(tx, { organisationId: null, actorId: admin.id, entityType: 'question_set_pack', entityId: packId, action, changes })

  /** Loads every pack in force into the registry (checking each again), with the generation it belongs to. */
  async function refresh(): Promise<void> {
    const lib = await library()
    const [generation, rows] = await Promise.all([repo.generation(db), repo.packsInForce(db)])
    const known = builtInSets(registry.builtIn)
    const packs: RegisteredPack[] = []
    const problems = new Map<string, PackProblem[]>()
    for (const p of rows) {
      const check = checkPack(p.yaml, p.fileName, lib, known)
      if (!check.ok) {
        problems.set(p.id, check.problems)
        continue
      }
      known.push({ set: check.set, label: labelOf(p) })
      packs.push({ set: check.set, offered: p.status === 'live', audience: p.audience === 'all' ? 'all' : p.organisationIds })
    }
    broken = problems
    registry.replacePacks(packs, generation)
    checkedAt = Date.now()
  }

  const service = {
    refresh,
    /** content/assessments/shared.yaml, as uploads are checked against it. */
    sharedLibrary: library,

    /** Reloads the packs when another process (or this one) changed them since they were loaded; at most one check per `maxAgeMs`. */
    async refreshIfStale(maxAgeMs = PACK_REFRESH_MS): Promise<void> {
      if (registry.generation >= 0 && Date.now() - checkedAt < maxAgeMs) return
      refreshing ??= (async () => {
        try {
          if (registry.generation < 0 || (await repo.generation(db)) !== registry.generation) await refresh()
          else checkedAt = Date.now()
        } finally {
          refreshing = null
        }
      })()
      return refreshing
    },

    /** Every pack, with whether it still passes the loader, and the built-in sets. */
    async list(admin: CurrentUser) {
      requireAdmin(admin)
      return {
        packs: (await repo.listPacks(db)).map((pack) => ({ pack, problems: broken.get(pack.id) ?? [] })),
        builtIn: registry.builtIn.all(),
      }
    },

    /** One pack, its set read again by the loader (for the preview). */
    async get(admin: CurrentUser, id: string): Promise<PackDetail> {
      requireAdmin(admin)
      if (!isUuid(id)) throw notFound()
      const pack = await repo.getPack(db, id)
      if (!pack) throw notFound()
      return { pack, check: checkPack(pack.yaml, pack.fileName, await library(), []) }
    },

    /**
     * Checks an uploaded file and keeps it as a draft (a draft of the same id and version is
     * replaced). Nothing is stored when any check fails; each problem names file, path and line.
     */
    async upload(admin: CurrentUser, input: { fileName: string; bytes: Buffer }): Promise<UploadResult> {
      requireAdmin(admin)
      const file = input.fileName
      const text = textOf(input.bytes, file)
      if (!text.ok) return { ok: false, problems: text.check.ok ? [] : text.check.problems }
      const lib = await library()
      return db.transaction(async (tx): Promise<UploadResult> => {
        // One upload at a time decides versions: the generation row is the lock.
        await tx.query('select 1 from question_set_pack_generation where id = 1 for update')
        const first = checkPack(text.text, file, lib, [])
        if (!first.ok) return { ok: false, problems: first.problems }
        const versions = await versionProblems(tx, first.set, text.text, file)
        if (versions.length) return { ok: false, problems: versions }
        const check = checkPack(text.text, file, lib, await knownSets(tx))
        if (!check.ok) return { ok: false, problems: check.problems }
        const { set } = check
        const draft = await repo.packFor(tx, set.id, set.version)
        let id: string
        if (draft) {
          await repo.replaceDraft(tx, draft.id, { title: set.title, fileName: file, yaml: text.text, userId: admin.id })
          id = draft.id
        } else {
          id = await repo.insertPack(tx, { setId: set.id, setVersion: set.version, title: set.title, fileName: file, yaml: text.text, userId: admin.id })
        }
        await audit(tx, admin, id, draft ? 'question_set_replaced' : 'question_set_uploaded', {
          set: { from: null, to: `${set.id} v${set.version}` }, title: { from: draft?.title ?? null, to: set.title }, file: { from: draft?.fileName ?? null, to: file },
        })
        return { ok: true, pack: (await repo.getPack(tx, id))!, replaced: Boolean(draft) }
      })
    },

    /**
     * Puts a draft live (or changes who a live pack is published to): checked again against the
     * sets in force now, published to every organisation or to the chosen ones (each must exist).
     */
    async goLive(admin: CurrentUser, id: string, audience: PackAudience): Promise<GoLiveResult> {
      requireAdmin(admin)
      if (!isUuid(id)) throw notFound()
      const known = new Set((await organisations.list()).map((o) => o.id))
      if (audience.kind === 'selected' && audience.organisationIds.some((o) => !known.has(o))) {
        return { ok: false, errors: { organisations: 'packs.errors.unknownOrganisation' } }
      }
      const lib = await library()
      const result = await db.transaction(async (tx): Promise<GoLiveResult> => {
        await tx.query('select 1 from question_set_pack_generation where id = 1 for update')
        const pack = await repo.getPack(tx, id, { forUpdate: true })
        if (!pack) throw notFound()
        if (pack.status === 'withdrawn') return { ok: false, errors: { _form: 'packs.errors.withdrawn' } }
        if (pack.status === 'draft') {
          const check = checkPack(pack.yaml, pack.fileName, lib, [])
          const versions = check.ok ? await versionProblems(tx, check.set, pack.yaml, pack.fileName) : []
          const again = check.ok && !versions.length ? checkPack(pack.yaml, pack.fileName, lib, await knownSets(tx, pack.id)) : check
          const problems = versions.length ? versions : again.ok ? [] : again.problems
          if (problems.length) return { ok: false, errors: { _form: 'packs.errors.noLongerValid' }, problems }
        }
        const ids = audience.kind === 'all' ? [] : [...new Set(audience.organisationIds)].sort()
        await repo.setLive(tx, pack.id, audience.kind === 'all' ? audience : { kind: 'selected', organisationIds: ids }, admin.id)
        await repo.bumpGeneration(tx)
        const describe = (kind: string, orgIds: readonly string[]) => (kind === 'all' ? 'all organisations' : `organisations: ${orgIds.join(', ')}`)
        await audit(tx, admin, pack.id, pack.status === 'draft' ? 'question_set_live' : 'question_set_audience_changed', {
          status: { from: pack.status, to: 'live' },
          publishedTo: { from: pack.status === 'draft' ? null : describe(pack.audience, pack.organisationIds), to: describe(audience.kind, ids) },
        })
        return { ok: true }
      })
      if (result.ok) await refresh()
      return result
    },

    /** Takes a live pack out of use: no organisation is offered it any longer; assessments made with it keep it. */
    async withdraw(admin: CurrentUser, id: string): Promise<boolean> {
      requireAdmin(admin)
      if (!isUuid(id)) throw notFound()
      const done = await db.transaction(async (tx) => {
        const pack = await repo.getPack(tx, id, { forUpdate: true })
        if (!pack) throw notFound()
        if (pack.status !== 'live') return false
        await repo.setWithdrawn(tx, pack.id, admin.id)
        await repo.bumpGeneration(tx)
        await audit(tx, admin, pack.id, 'question_set_withdrawn', { status: { from: 'live', to: 'withdrawn' }, set: { from: `${pack.setId} v${pack.setVersion}`, to: null } })
        return true
      })
      if (done) await refresh()
      return done
    },

    /** Deletes a draft that never went live. */
    async discard(admin: CurrentUser, id: string): Promise<boolean> {
      requireAdmin(admin)
      if (!isUuid(id)) throw notFound()
      return db.transaction(async (tx) => {
        const pack = await repo.getPack(tx, id, { forUpdate: true })
        if (!pack) throw notFound()
        if (pack.status !== 'draft') return false
        await repo.deleteDraft(tx, pack.id)
        await audit(tx, admin, pack.id, 'question_set_discarded', { set: { from: `${pack.setId} v${pack.setVersion}`, to: null } })
        return true
      })
    },

    /** Every organisation, for the go-live form's choice (platform admins only, like everything here). */
    organisations: (admin: CurrentUser) => {
      requireAdmin(admin)
      return organisations.list()
    },

    /** The packs' audit trail (platform-level events). */
    async history(admin: CurrentUser, id: string) {
      requireAdmin(admin)
      return isUuid(id) ? repo.packAudit(db, id) : []
    },
  }
  return service
}
export type PackService = ReturnType<typeof createPackService>
