// `aigov import` as an operator runs it, in its own process on an embedded database: the report
// on stdout and exit code 0 when every row came in; each rejected row on stderr as
// "file:line: field: reason" and exit code 1; a second run changes nothing; a wrong command is 2.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { runAigov } from '../../../test/support/cli.ts'
import { NL_COLUMNS } from './nlStandard.ts'

const dir = mkdtempSync(join(tmpdir(), 'aigov-import-cli-'))
const data = join(dir, 'db')
after(() => rmSync(dir, { recursive: true, force: true }))

const INDEX = '/work/shared/data/atrs/records_index/atrs_records.csv'

test('the GOV.UK index: 136 imported, exit 0; again, 136 unchanged', async () => {
  const first = await runAigov(['import', '--format', 'atrs-index', INDEX], data)
  assert.equal(first.code, 0, first.err)
  assert.match(first.out, /atrs_records\.csv \(atrs-index\): 136 imported, 0 updated, 0 unchanged, 0 rejected/)
  const again = await runAigov(['import', '--format', 'atrs-index', INDEX], data)
  assert.equal(again.code, 0, again.err)
  assert.match(again.out, /0 imported, 0 updated, 136 unchanged, 0 rejected/)
})

test('a Dutch file with bad rows: each printed with file, line and field; the good rows imported; exit 1', async () => {
  const row = (id: string, over: Record<string, string> = {}) => NL_COLUMNS.map((c) => `"${({
    name: `Algorithm ${id}`, organization: 'Municipality of Clidam', description_short: 'A test.', status: 'In use', standard_version: '1.0',
    contact_email: 'info@clidam.nl', lang: 'nld', publication_category: 'Other algorithms', algorithm_id: id, ...over,
  } as Record<string, string>)[c] ?? ''}"`).join(',')
  const file = join(dir, 'nl-bad.csv')
  writeFileSync(file, `\uFEFF${[NL_COLUMNS.join(','), row('a0000001'), row('a0000002', { status: 'Banana' }), row('a0000003', { website: 'data:text/html,x' })].join('\r\n')}\r\n`)
  const r = await runAigov(['import', '--format', 'nl-register', file], data)
  assert.equal(r.code, 1)
  assert.match(r.err, /nl-bad\.csv \(nl-register\): 1 imported, 0 updated, 0 unchanged, 2 rejected; 1 organisations created/)
  assert.match(r.err, /^ {2}nl-bad\.csv:3: status: "Banana" is not one of the allowed values/m)
  assert.match(r.err, /^ {2}nl-bad\.csv:4: website: A javascript:, data:, vbscript: or file: address is not allowed/m)
})

test('refused whole: a missing file, the wrong type; wrong commands', async () => {
  const missing = await runAigov(['import', '--format', 'nl-register', join(dir, 'nope.csv')], data)
  assert.equal(missing.code, 1)
  assert.match(missing.err, /nope\.csv: There is no file at this path/)
  const pdf = join(dir, 'records.pdf')
  writeFileSync(pdf, '%PDF-1.4')
  const wrong = await runAigov(['import', '--format', 'atrs-index', pdf], data)
  assert.equal(wrong.code, 1)
  assert.match(wrong.err, /records\.pdf: refused, nothing was imported\.\n {2}records\.pdf: The file must be a CSV file/)
  assert.equal((await runAigov(['import', '--format', 'xlsx', INDEX], data)).code, 2)
  const noOrg = await runAigov(['import', '--format', 'atrs', INDEX], data)
  assert.equal(noOrg.code, 2)
  assert.match(noOrg.err, /--organisation SLUG is required/)
  const unknownOrg = await runAigov(['import', '--format', 'atrs', '--organisation', 'nobody', INDEX], data)
  assert.equal(unknownOrg.code, 1)
  assert.match(unknownOrg.err, /No organisation with the slug "nobody"/)
})
