import { z } from 'zod'
import type { Queryable } from './db.ts'

/**
 * Reading rows: every select names the zod schema of the row it expects, so a row's type is
 * checked against what the database actually returned, on both drivers, instead of asserted
 * with a cast. A mismatch (a renamed column, a nullable column read as required) fails loudly
 * in the tests with the query and the column. See docs/decisions/0004-repositories-and-typed-rows.md.
 */

export class RowShapeError extends Error {
  constructor(sql: string, issues: readonly z.core.$ZodIssue[]) {
    const where = issues.slice(0, 3).map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; ')
    super(`A row did not match its schema (${where}) for: ${sql.replace(/\s+/g, ' ').slice(0, 200)}`)
    this.name = 'RowShapeError'
  }
}

function parseRow<S extends z.ZodType>(schema: S, row: unknown, sql: string): z.output<S> {
  const r = schema.safeParse(row)
  if (!r.success) throw new RowShapeError(sql, r.error.issues)
  return r.data
}

/** Every row of a select, each checked against `schema`. */
export async function many<S extends z.ZodType>(q: Queryable, schema: S, sql: string, params: unknown[] = []): Promise<z.output<S>[]> {
  const rows = await q.query<unknown>(sql, params)
  return rows.map((row) => parseRow(schema, row, sql))
}

/** The first row of a select, or null. */
export async function maybeOne<S extends z.ZodType>(q: Queryable, schema: S, sql: string, params: unknown[] = []): Promise<z.output<S> | null> {
  const rows = await q.query<unknown>(sql, params)
  return rows.length ? parseRow(schema, rows[0], sql) : null
}

/** Exactly one row (an insert … returning, an aggregate); anything else is a bug. */
export async function one<S extends z.ZodType>(q: Queryable, schema: S, sql: string, params: unknown[] = []): Promise<z.output<S>> {
  const rows = await q.query<unknown>(sql, params)
  if (rows.length !== 1) throw new Error(`Expected one row, got ${rows.length}, for: ${sql.replace(/\s+/g, ' ').slice(0, 200)}`)
  return parseRow(schema, rows[0], sql)
}

/** Runs a statement whose rows are not read (insert, update, delete); returns how many rows it returned. */
export async function run(q: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  return (await q.query<unknown>(sql, params)).length
}

/** Column types as both drivers return them (DATE as 'YYYY-MM-DD', INT8 as number, JSON parsed). */
export const col = {
  uuid: z.string(),
  text: z.string(),
  int: z.number().int(),
  bool: z.boolean(),
  timestamp: z.date(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  json: z.unknown(),
}
