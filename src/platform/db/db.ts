import { mkdirSync } from 'node:fs'
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite'
import pg from 'pg'

/** Anything that can run one parameterised statement. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
}

/** A transaction: statements, plus scripts of several statements (migrations). */
export interface Tx extends Queryable {
  exec(sql: string): Promise<void>
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
  /** Runs a script of several statements (migrations only; no parameters). */
  exec(sql: string): Promise<void>
  close(): Promise<void>
}

const DATE_OID = 1082
const INT8_OID = 20

/** Embedded PostgreSQL. dataDir undefined keeps the database in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const parsers = {
    [pgliteTypes.DATE]: (v: string) => v,
    [pgliteTypes.INT8]: (v: string) => Number(v),
  }
  const db = await PGlite.create(dataDir, { parsers })
  return {
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>) {
      return db.transaction(async (tx) =>
        fn({
          async query<R>(sql: string, params: unknown[] = []) {
            return (await tx.query<R>(sql, params)).rows
          },
          async exec(sql: string) {
            await tx.exec(sql)
          },
        }),
      )
    },
    async exec(sql: string) {
      await db.exec(sql)
    },
    async close() {
      await db.close()
    },
  }
}

/** A real PostgreSQL server through node-postgres. */
export async function openPostgres(url: string): Promise<Db> {
  const typeParsers = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === DATE_OID) return (v: string) => v
      if (oid === INT8_OID) return (v: string) => Number(v)
      return pg.types.getTypeParser(oid, format)
    },
  } as pg.CustomTypesConfig
  const pool = new pg.Pool({ connectionString: url, types: typeParsers, max: 10 })
  pool.on('error', (err) => console.error('postgres pool error', err.message))
  await pool.query('select 1')
  return {
    kind: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[]
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>) {
      const client = await pool.connect()
      try {
        await client.query('begin')
        const result = await fn({
          async query<R>(sql: string, params: unknown[] = []) {
            return (await client.query(sql, params)).rows as R[]
          },
          async exec(sql: string) {
            await client.query(sql)
          },
        })
        await client.query('commit')
        return result
      } catch (err) {
        await client.query('rollback').catch(() => undefined)
        throw err
      } finally {
        client.release()
      }
    },
    async exec(sql: string) {
      await pool.query(sql)
    },
    async close() {
      await pool.end()
    },
  }
}

export async function openDb(opts: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir)
}
