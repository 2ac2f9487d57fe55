import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import { ROLES, type Role } from '../../platform/auth/permissions.ts'
import { CONTROL_CHARACTER, MAX_SERVICE_AREA_LENGTH } from './model.ts'

/**
 * The staff CSV an admin uploads (or the CLI reads): pure rules, no I/O. The whole file is
 * checked before anything is imported; every row that is wrong is reported with its line and
 * the reason, as a message key and its values, so the page and the CLI say the same.
 *
 * Columns (header row first, names in any case, in any order):
 *   name           required, up to 200 characters
 *   email          required, a valid address (the sign-in); each address once in the file
 *   service area   optional, up to 200 characters
 *   roles          optional column; roles separated by ";" (staff, viewer, contributor, assessor,
 *                  board member, admin); blank means staff. Only used for people new to the
 *                  organisation: people already in it keep their roles.
 */

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024
export const MAX_NAME_LENGTH = 200

export const STAFF_CSV_COLUMNS = ['name', 'email', 'service area', 'roles'] as const
type Column = (typeof STAFF_CSV_COLUMNS)[number]
const REQUIRED: readonly Column[] = ['name', 'email', 'service area']

/** Header spellings people use, read as the column they mean. */
const HEADER_ALIASES: Record<string, Column> = {
  name: 'name', 'full name': 'name',
  email: 'email', 'e-mail': 'email', 'email address': 'email', 'e-mail address': 'email',
  'service area': 'service area', service_area: 'service area', 'service-area': 'service area',
  roles: 'roles', role: 'roles',
}

/** A role as a person might write it: its id, or its name with spaces or hyphens. */
const ROLE_WORDS: Record<string, Role> = {
  ...Object.fromEntries(ROLES.map((r) => [r, r])),
  'board member': 'board_member', 'board-member': 'board_member', administrator: 'admin',
}

/** The example file offered on the import page (and used in the tests). */
export const EXAMPLE_CSV = [
  'name,email,service area,roles',
  'Amina Patel,amina.patel@example.gov.uk,Adult social care,',
  'Tom Evans,tom.evans@example.gov.uk,Revenues and benefits,staff',
  '"Murphy, Siobhan",siobhan.murphy@example.gov.uk,Planning,viewer;contributor',
].join('\r\n') + '\r\n'

export interface StaffRow {
  line: number
  name: string
  email: string
  serviceArea: string | null
  /** Roles given in the file, or null (new people get `staff`). */
  roles: Role[] | null
}

export interface RowProblem {
  line: number
  /** A message key (people.import.problem.*) and its values. */
  key: string
  vars?: Record<string, string | number>
}

export type CheckedFile = { ok: true; rows: StaffRow[] } | { ok: false; problems: RowProblem[] }

const emailCheck = z.email()

/** Decodes the bytes as UTF-8 text (a leading BOM dropped), or null when they are not text. */
export function decodeText(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    return null
  }
}

/** Whether a file, by its name or declared type, is meant to be CSV (browsers vary in the type they send). */
export function looksLikeCsv(filename: string, mimetype: string): boolean {
  const type = mimetype.toLowerCase()
  return /\.csv$/i.test(filename) || type === 'text/csv' || type === 'application/csv'
}

function header(cells: string[]): { columns: (Column | null)[]; problems: RowProblem[] } {
  const problems: RowProblem[] = []
  const columns = cells.map((c) => HEADER_ALIASES[c.trim().toLowerCase()] ?? null)
  cells.forEach((c, i) => {
    if (columns[i] === null) problems.push({ line: 1, key: 'people.import.problem.unknownColumn', vars: { column: c.trim().slice(0, 60) } })
  })
  for (const col of new Set(columns.filter((c): c is Column => c !== null))) {
    if (columns.filter((c) => c === col).length > 1) problems.push({ line: 1, key: 'people.import.problem.repeatedColumn', vars: { column: col } })
  }
  for (const col of REQUIRED) {
    if (!columns.includes(col)) problems.push({ line: 1, key: 'people.import.problem.missingColumn', vars: { column: col } })
  }
  return { columns, problems }
}

function parseRoles(cell: string): { roles: Role[] | null; unknown: string[] } {
  const words = cell.split(/[;|]/).map((w) => w.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean)
  if (!words.length) return { roles: null, unknown: [] }
  const unknown = words.filter((w) => !ROLE_WORDS[w])
  const given = new Set(words.map((w) => ROLE_WORDS[w]).filter((r): r is Role => r !== undefined))
  return { roles: ROLES.filter((r) => given.has(r)), unknown }
}

/** Checks a whole file. Rows come back only when every row is right. */
export function checkStaffCsv(text: string): CheckedFile {
  // Each record as [first line, cells]: csv-parse reports the line a record ends on, so the
  // first line is worked out from the one before (a quoted cell may span lines).
  let lastEnd = 0
  let lastEmpty = 0
  const starts: number[] = []
  let records: string[][]
  try {
    records = parse(text, {
      bom: true, relax_column_count: true, skip_empty_lines: true,
      on_record: (record: string[], ctx) => {
        starts.push(lastEnd + 1 + (ctx.empty_lines - lastEmpty))
        lastEnd = ctx.lines
        lastEmpty = ctx.empty_lines
        return record
      },
    })
  } catch (err) {
    // An unclosed quote is reported where parsing gave up (the end of the file): the row it
    // opened in is the one after the last complete record.
    const e = err as { code?: unknown; lines?: unknown }
    const line = e.code !== 'CSV_QUOTE_NOT_CLOSED' && typeof e.lines === 'number' ? e.lines : lastEnd + 1
    return { ok: false, problems: [{ line, key: 'people.import.problem.syntax' }] }
  }
  const first = records[0]
  if (!first) return { ok: false, problems: [{ line: 1, key: 'people.import.problem.empty' }] }
  const { columns, problems } = header(first)
  if (problems.length) return { ok: false, problems }
  if (records.length === 1) return { ok: false, problems: [{ line: 2, key: 'people.import.problem.noRows' }] }

  const at = (col: Column) => columns.indexOf(col)
  const [iName, iEmail, iArea, iRoles] = [at('name'), at('email'), at('service area'), at('roles')]
  const seen = new Map<string, number>()
  const rows: StaffRow[] = []
  for (let r = 1; r < records.length; r++) {
    const cells = records[r]!
    const line = starts[r]!
    const before = problems.length
    const problem = (key: string, vars?: Record<string, string | number>) => problems.push({ line, key, ...(vars ? { vars } : {}) })
    if (cells.length !== columns.length) {
      problem('people.import.problem.cellCount', { count: cells.length, expected: columns.length })
      continue
    }
    if (cells.some((c) => c.includes('\u0000'))) {
      problem('people.import.problem.nul')
      continue
    }
    const name = cells[iName]!.trim()
    const email = cells[iEmail]!.trim().toLowerCase()
    const area = cells[iArea]!.trim()
    if (!name) problem('people.import.problem.nameMissing')
    else if (name.length > MAX_NAME_LENGTH) problem('people.import.problem.nameLong', { max: MAX_NAME_LENGTH })
    else if (CONTROL_CHARACTER.test(name)) problem('people.import.problem.nameLine')
    if (!email) problem('people.import.problem.emailMissing')
    else if (email.length > 320 || !emailCheck.safeParse(email).success) problem('people.import.problem.emailFormat')
    else {
      const firstLine = seen.get(email)
      if (firstLine !== undefined) problem('people.import.problem.duplicate', { line: firstLine })
      else seen.set(email, line)
    }
    if (area.length > MAX_SERVICE_AREA_LENGTH) problem('people.import.problem.serviceAreaLong', { max: MAX_SERVICE_AREA_LENGTH })
    else if (CONTROL_CHARACTER.test(area)) problem('people.import.problem.serviceAreaLine')
    const roles = iRoles >= 0 ? parseRoles(cells[iRoles]!) : { roles: null, unknown: [] }
    if (roles.unknown.length) problem('people.import.problem.unknownRole', { roles: roles.unknown.join(', ').slice(0, 100) })
    if (problems.length === before) rows.push({ line, name, email, serviceArea: area || null, roles: roles.roles })
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows }
}
