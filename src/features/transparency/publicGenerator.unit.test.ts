// The benchmark's data generator (scripts/public-generator.ts) is deterministic, and what it makes
// are complete, valid records: the benchmark measures a register that could have been published.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadDutchRows, planOrganisations, planRecords, type PlannedRecord } from '../../../scripts/public-generator.ts'
import { checkValues, completeness } from './atrs.ts'
import { ORGANISATION_SLUG } from '../organisations/model.ts'

const rows = loadDutchRows()

function first(n: number, opts: { records: number; organisations: number; seed?: number }): PlannedRecord[] {
  const orgs = planOrganisations(rows, opts.organisations, opts.seed)
  const out: PlannedRecord[] = []
  for (const r of planRecords(rows, orgs, opts)) {
    out.push(r)
    if (out.length === n) break
  }
  return out
}

test('the same seed gives the same organisations and records, whatever the total asked for', () => {
  assert.equal(rows.length, 696)
  assert.deepEqual(planOrganisations(rows, 400, 7), planOrganisations(rows, 400, 7))
  const a = first(60, { records: 60, organisations: 40, seed: 7 })
  const b = first(60, { records: 5000, organisations: 40, seed: 7 })
  assert.deepEqual(a, b)
  const other = first(60, { records: 60, organisations: 40, seed: 8 })
  assert.notDeepEqual(a.map((r) => r.id), other.map((r) => r.id))
})

test('400 organisations with unique valid slugs, each publishing; records complete and valid', () => {
  const orgs = planOrganisations(rows, 400)
  assert.equal(new Set(orgs.map((o) => o.slug)).size, 400)
  assert.ok(orgs.every((o) => ORGANISATION_SLUG.test(o.slug)), 'every slug is a valid organisation slug')
  const records = first(600, { records: 600, organisations: 400 })
  assert.equal(new Set(records.slice(0, 400).map((r) => r.organisation.id)).size, 400, 'the first 400 records go one to each organisation')
  const publicIds = new Set(records.map((r) => `${r.organisation.slug}/${r.slug}`))
  assert.equal(publicIds.size, records.length, 'public ids are unique')
  for (const r of records) {
    assert.ok(r.versions.length >= 1 && r.versions.length <= 3)
    for (const v of r.versions) {
      assert.deepEqual(completeness(v.fields, v.standardVersion).missing, [], `${r.slug} v${v.versionNo} is complete`)
      assert.deepEqual(checkValues(v.fields, v.standardVersion), [], `${r.slug} v${v.versionNo} is valid`)
    }
    const times = r.versions.map((v) => v.publishedAt)
    assert.deepEqual([...times].sort(), times, 'versions are published in order')
  }
})
