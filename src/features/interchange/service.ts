import type { Db, Queryable } from '../../platform/db/db.ts'
import type { Organisation } from '../organisations/model.ts'
import type { OrganisationService } from '../organisations/service.ts'
import type { RegisterService } from '../register/service.ts'
import type { TransparencyService } from '../transparency/service.ts'
import { type AtrsRow, atrsRowHash, entryForAtrs } from './atrsImport.ts'
import type { ExternalRecord } from './atrsIndex.ts'
import type { Problem } from './csvFile.ts'
import type { ExportSource } from './exports.ts'
import { mapNlRow, NL_REGION, type NlRow, organisationEmails, organisationNameOf, recordSlugBase } from './nlImport.ts'
import { NL_PUBLICATION_CATEGORY, type NlPublicationCategory } from './nlStandard.ts'
import * as repo from './repository.ts'

/** What one import did. Rows that were rejected or are not published are listed with their line. */
export interface ImportCounts {
  imported: number
  updated: number
  unchanged: number
  organisationsCreated: number
  /** Imported as working records only: what stops them being published. */
  notPublished: Problem[]
}

const noCounts = (): ImportCounts => ({ imported: 0, updated: 0, unchanged: 0, organisationsCreated: 0, notPublished: [] })

const notPublished = (line: number, missing: { key: string; problem: string }[]): Problem => ({
  line, field: missing[0]?.key, key: 'interchange.problem.notPublished',
  vars: { fields: missing.slice(0, 8).map((m) => `${m.key} (${m.problem})`).join(', ') + (missing.length > 8 ? ', …' : '') },
})

export function createInterchangeService(
  db: Db, deps: { organisations: OrganisationService; register: RegisterService; transparency: TransparencyService },
) {
  const { organisations, register, transparency } = deps

  return {
    /**
     * Valid rows of the Dutch register's export, in one transaction: each organisation made if
     * missing, each record's register entry and ATRS record made (or, when the row changed since
     * the last run, changed) and published as a new version. A row whose mapped record is what an
     * earlier run published changes nothing.
     */
    async importNlRegister(rows: readonly NlRow[], fileName: string | null): Promise<ImportCounts> {
      const counts = noCounts()
      const emails = organisationEmails(rows)
      await db.transaction(async (tx) => {
        const known = await repo.sourcesOf(tx, 'nl-register', null)
        const orgs = new Map<string, Organisation>()
        const added: repo.NewSource[] = []
        for (const row of rows) {
          const id = row.cells.algorithm_id!
          const before = known.get(id)
          const m = mapNlRow(row, { organisationEmail: emails.get(organisationNameOf(row)) ?? null })
          if (before && before.contentHash === m.hash) {
            counts.unchanged++
            continue
          }
          let org = orgs.get(before?.organisationId ?? m.organisation.name)
          if (!org && before) org = await organisations.get(before.organisationId, tx)
          if (!org) {
            const { organisation, created } = await organisations.ensureForImport(tx, {
              ...m.organisation, contactEmail: emails.get(m.organisation.name) ?? null, actorId: repo.IMPORT_ACCOUNT_ID,
            })
            org = organisation
            if (created) counts.organisationsCreated++
          }
          orgs.set(before?.organisationId ?? m.organisation.name, org)
          const organisationId = org.id
          const entry = await register.importEntry(tx, organisationId, m.entry, before?.entryId ?? null, repo.IMPORT_ACCOUNT_ID)
          const published = await transparency.publishImported(tx, {
            organisationId, entryId: entry.id, slug: recordSlugBase(row.cells.name!), fields: m.atrs.fields, redactions: m.atrs.redactions,
            standardVersion: m.atrs.version, publishedBy: repo.IMPORT_ACCOUNT_ID, facets: m.facets, source: 'nl-register', organisation: org,
          })
          if (published.versionNo === null) counts.notPublished.push(notPublished(row.line, published.missing))
          const source = { ...row.cells }
          if (before) {
            await repo.updateSource(tx, before.id, m.hash, source, fileName)
            counts.updated++
          } else {
            added.push({
              format: 'nl-register', sourceId: id, organisationId, entryId: entry.id, recordId: published.recordId, recordSlug: published.slug,
              contentHash: m.hash, source, fileName,
            })
            counts.imported++
          }
        }
        await repo.insertSources(tx, added)
      })
      return counts
    },

    /**
     * Valid ATRS records into one organisation, in one transaction, idempotent by the record's id:
     * a record whose fields, version and date are what an earlier run brought changes nothing.
     */
    async importAtrs(organisationId: string, rows: readonly AtrsRow[], fileName: string | null): Promise<ImportCounts> {
      const counts = noCounts()
      await db.transaction(async (tx) => {
        const known = await repo.sourcesOf(tx, 'atrs', organisationId)
        for (const row of rows) {
          const before = known.get(row.slug)
          const hash = atrsRowHash(row)
          if (before && before.contentHash === hash) {
            counts.unchanged++
            continue
          }
          const entry = await register.importEntry(tx, organisationId, entryForAtrs(row), before?.entryId ?? null, repo.IMPORT_ACCOUNT_ID)
          const published = await transparency.publishImported(tx, {
            organisationId, entryId: entry.id, slug: row.slug, fields: row.fields, standardVersion: row.standardVersion,
            publishedBy: repo.IMPORT_ACCOUNT_ID, versionNo: row.version, publishedAt: new Date(`${row.dateUpdated}T00:00:00Z`),
            facets: { service_area: entry.serviceArea, technique: entry.technique, risk_tier: entry.riskTier }, source: 'atrs',
          })
          if (published.versionNo === null) counts.notPublished.push(notPublished(row.line, published.missing))
          const source = { ...row.fields, id: row.id, version: row.version, date_updated: row.dateUpdated }
          if (before) {
            await repo.updateSource(tx, before.id, hash, source, fileName)
            counts.updated++
          } else {
            await repo.insertSource(tx, {
              format: 'atrs', sourceId: row.slug, organisationId, entryId: entry.id, recordId: published.recordId, recordSlug: published.slug,
              contentHash: hash, source, fileName,
            })
            counts.imported++
          }
        }
      })
      return counts
    },

    /** GOV.UK's index, as references, in one transaction; idempotent by url. */
    async importAtrsIndex(rows: readonly ExternalRecord[]): Promise<ImportCounts> {
      const counts = noCounts()
      await db.transaction(async (tx) => {
        const known = await repo.externalHashes(tx)
        for (const row of rows) {
          const before = known.get(row.url)
          if (before === row.hash) {
            counts.unchanged++
            continue
          }
          await repo.upsertExternal(tx, row)
          if (before === undefined) counts.imported++
          else counts.updated++
        }
      })
      return counts
    },

    /** One page of the records published on GOV.UK, searched by name and publishing body. */
    listExternal: (f: { q?: string; page: number; perPage: number }) => repo.listExternal(db, f),

    /**
     * What the exports to other standards need for a published record (the latest version, or
     * `versionNo`), with what an import kept of its Dutch source; null if there is no such record.
     */
    async exportSource(orgSlug: string, slug: string, baseUrl: string, versionNo?: number): Promise<ExportSource | null> {
      const found = await transparency.getPublished(orgSlug, slug, versionNo)
      if (!found) return null
      const { record, versions } = found
      const first = versions[versions.length - 1]!
      const [src, organisation] = await Promise.all([repo.sourceOfPublicRecord(db, orgSlug, slug), organisations.bySlug(orgSlug)])
      const nl = src?.format === 'nl-register' ? src.source : null
      const text = (v: unknown) => (typeof v === 'string' ? v : '')
      const category = nl ? nlCategoryOf(text(nl.publication_category)) : null
      return {
        publicId: `${record.organisationSlug}/${record.slug}`,
        organisationName: record.organisationName,
        url: `${baseUrl.replace(/\/+$/, '')}/public/records/${record.organisationSlug}/${record.slug}`,
        versionNo: record.versionNo,
        publishedAt: record.publishedAt.toISOString(),
        firstPublishedAt: first.publishedAt.toISOString(),
        fields: record.fields,
        riskTier: null,
        nlPublicationCategory: category,
        nlAlgorithmId: nl ? text(nl.algorithm_id) || null : null,
        nlThemes: nl ? text(nl.category) : null,
        country: organisation?.region === NL_REGION ? 'The Netherlands' : null,
      }
    },

    /** How many records an import of this format brought in (for the demo and the tests). */
    countImported: (format: repo.ImportFormat, q: Queryable = db) => repo.countSources(q, format),
  }
}

function nlCategoryOf(word: string): NlPublicationCategory | null {
  const w = word.trim().toLowerCase()
  for (const [code, words] of Object.entries(NL_PUBLICATION_CATEGORY)) {
    if (words.en.toLowerCase() === w || words.nl.toLowerCase() === w) return code as NlPublicationCategory
  }
  return null
}

export type InterchangeService = ReturnType<typeof createInterchangeService>
