import type { Queryable } from '../../platform/db/db.ts'
import { col, many, maybeOne, one } from '../../platform/db/rows.ts'
import { z } from 'zod'
import type { NewOrganisationInput, Organisation } from './model.ts'

/** All of the organisations table's SQL. */

const row = z.object({
  id: col.uuid, slug: col.text, name: col.text, contact_email: col.text.nullable(), website_url: col.text.nullable(),
  region: col.text.nullable(), organisation_type: col.text.nullable(), nation: col.text.nullable(),
  separation_of_duties: col.bool, created_at: col.timestamp,
}).transform((r): Organisation => ({
  id: r.id, slug: r.slug, name: r.name, contactEmail: r.contact_email, websiteUrl: r.website_url, region: r.region,
  organisationType: r.organisation_type, nation: r.nation, separationOfDuties: r.separation_of_duties, createdAt: r.created_at,
}))

const COLUMNS = 'id, slug, name, contact_email, website_url, region, organisation_type, nation, separation_of_duties, created_at'

export const findById = (q: Queryable, id: string) => maybeOne(q, row, `select ${COLUMNS} from organisations where id = $1`, [id])

export const findBySlug = (q: Queryable, slug: string) => maybeOne(q, row, `select ${COLUMNS} from organisations where slug = $1`, [slug])

export const listAll = (q: Queryable) => many(q, row, `select ${COLUMNS} from organisations order by name`)

export async function count(q: Queryable): Promise<number> {
  return (await one(q, z.object({ n: col.int }), 'select count(*)::int as n from organisations')).n
}

export const insert = (q: Queryable, input: NewOrganisationInput) =>
  one(q, row, `insert into organisations (slug, name, contact_email, website_url, region) values ($1, $2, $3, $4, $5)
    returning ${COLUMNS}`, [input.slug, input.name, input.contactEmail, input.websiteUrl, input.region])

export const setSeparationOfDuties = (q: Queryable, id: string, on: boolean) =>
  maybeOne(q, row, `update organisations set separation_of_duties = $2 where id = $1 returning ${COLUMNS}`, [id, on])
