import { z } from 'zod'
import type { Queryable } from '../../platform/db/db.ts'
import { col, one } from '../../platform/db/rows.ts'

/**
 * Many published records at once, straight into the tables (for tests and measurements of the
 * public register: making 50,000 records through the services would take hours). Each record
 * gets an organisation, a register entry, a working record, one published version and its row in
 * public_records, built the way indexPublication builds it. Values cycle through small lists, so
 * a test can count what each filter should find: record n (1-based) has
 *   organisation  `${prefix}-org-${1 + (n - 1) % organisations}`
 *   phase         PHASES[n % 4], risk tier TIERS[n % 3], service area AREAS[n % 5],
 *   third party   n % 2 === 0, technique TECHNIQUES[n % 3]
 * and organisation k has type TYPES[k % 3], nation NATIONS[k % 4], region `Region ${k % 6}`.
 */
export const SEED = {
  PHASES: ['Pre-deployment', 'Beta/Pilot', 'Production', 'Retired'],
  TIERS: ['low', 'medium', 'high'],
  AREAS: ['Housing', 'Planning', 'Waste', 'Benefits', 'Highways'],
  TECHNIQUES: ['Text classification', 'Large language model', 'Computer vision'],
  TYPES: ['District council', 'County council', 'Unitary authority'],
  NATIONS: ['england', 'scotland', 'wales', 'northern_ireland'],
} as const

export interface SeedOptions {
  records: number
  organisations: number
  /** Slug prefix, so two seeds in one database do not collide (default "seed"). */
  prefix?: string
  /** Extra fields for record n (merged over the generated ones). */
  fields?: (n: number) => Record<string, string>
}

export async function seedPublicRecords(q: Queryable, opts: SeedOptions): Promise<void> {
  const prefix = opts.prefix ?? 'seed'
  const user = await one(q, z.object({ id: col.uuid }),
    `insert into users (email, name, password_hash) values ($1, 'Seed publisher', 'x')
     on conflict (email) do update set name = excluded.name returning id`, [`${prefix}-publisher@seed.example`])
  await q.query(
    `insert into organisations (slug, name, contact_email, region, organisation_type, nation)
     select $1 || '-org-' || k, 'Seedshire ' || k || ' Council', 'ai@' || $1 || '-org-' || k || '.example', 'Region ' || (k % 6),
       ($3::text[])[1 + k % 3], ($4::text[])[1 + k % 4]
     from generate_series(1, $2::int) k`,
    [prefix, opts.organisations, SEED.TYPES, SEED.NATIONS])
  const extra = opts.fields ? Array.from({ length: opts.records }, (_, i) => JSON.stringify(opts.fields!(i + 1))) : null
  await q.query(
    `insert into register_entries (organisation_id, name, purpose, service_area, owner, technique, personal_data,
       decision_role, people_affected, human_oversight, stage, risk_tier)
     select o.id, $1 || ' tool ' || n, 'Seeded purpose ' || n, ($4::text[])[1 + n % 5], 'Owner', ($5::text[])[1 + n % 3], false,
       'informs', 'Residents', 'Officers review', 'live', ($6::text[])[1 + n % 3]
     from generate_series(1, $2::int) n
     join organisations o on o.slug = $1 || '-org-' || (1 + (n - 1) % $3::int)`,
    [prefix, opts.records, opts.organisations, SEED.AREAS, SEED.TECHNIQUES, SEED.TIERS])
  await q.query(
    `insert into transparency_records (organisation_id, entry_id, slug, fields)
     select e.organisation_id, e.id, 'tool-' || split_part(e.name, ' tool ', 2), '{}'
     from register_entries e join organisations o on o.id = e.organisation_id where o.slug like $1 || '-org-%'`,
    [prefix])
  await q.query(
    `insert into transparency_publications (organisation_id, record_id, version_no, standard_version, fields, published_by, published_at, facets)
     select r.organisation_id, r.id, 1, '3.0',
       jsonb_build_object(
         'title', 'Seeded tool ' || n, 'name', 'Seeded tool ' || n,
         'organisation_name', o.name, 'organisation_or_department', o.name,
         'phase', ($3::text[])[1 + n % 4], 'region', o.region,
         'one_sentence_description', 'Helps officers with case number ' || n || '.',
         'description', 'A seeded record used to measure and test the public register. It sorts requests about '
           || e.service_area || ' so that they reach the right team.',
         'website_url', 'https://www.example.org/' || n, 'contact_email', o.contact_email,
         'external_supplier_involvement', case when n % 2 = 0 then 'Yes' else 'No' end,
         'external_supplier', case when n % 2 = 0 then 'Supplier ' || (n % 7) || ' Ltd' else '' end,
         'team', e.service_area, 'senior_responsible_owner', 'Director', 'scope', 'Council services',
         'benefit', 'Faster answers', 'impact_assessment', 'DPIA done', 'risks_and_mitigations', 'Bias; reviewed monthly'
       ) || coalesce(($5::jsonb[])[n], '{}'::jsonb),
       $2, now() - make_interval(secs => $4::int - n),
       jsonb_build_object('service_area', e.service_area, 'technique', e.technique, 'risk_tier', e.risk_tier)
     from (select r.*, split_part(r.slug, 'tool-', 2)::int as n from transparency_records r) r
     join register_entries e on e.id = r.entry_id
     join organisations o on o.id = r.organisation_id
     where o.slug like $1 || '-org-%'`,
    [prefix, user.id, SEED.PHASES, opts.records, extra])
  await q.query(
    `insert into public_records (
       record_id, organisation_id, public_id, organisation_slug, organisation_name, organisation_type, nation, region,
       title, summary, phase, third_party, service_area, technique, risk_tier, version_no, first_published_at,
       published_at, standard_version, fields, fields_cy, search)
     select r.id, r.organisation_id, o.slug || '/' || r.slug, o.slug, o.name, o.organisation_type, o.nation, o.region,
       coalesce(nullif(p.fields ->> 'title', ''), r.slug), coalesce(p.fields ->> 'one_sentence_description', ''),
       coalesce(p.fields ->> 'phase', ''), lower(coalesce(p.fields ->> 'external_supplier_involvement', '')) = 'yes',
       p.facets ->> 'service_area', p.facets ->> 'technique', p.facets ->> 'risk_tier', p.version_no, p.published_at,
       p.published_at, p.standard_version, p.fields, p.fields_cy, public_record_search(p.fields, o.name)
     from transparency_publications p
     join transparency_records r on r.id = p.record_id
     join organisations o on o.id = r.organisation_id
     where o.slug like $1 || '-org-%'`,
    [prefix])
}
