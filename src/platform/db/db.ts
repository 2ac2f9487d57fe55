import { AsyncLocalStorage } from 'node:async_hooks'
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'

/** Anything that can run one parameterised statement. Rows are read through `rows.ts` schemas. */
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

/**
 * Thrown when code inside `db.transaction(tx => …)` queries `db` instead of `tx`. On the embedded
 * database (one connection) that query would wait for the transaction forever and hang the whole
 * app; on PostgreSQL it would silently run outside the transaction. Both drivers refuse it at once.
 */
export class QueryOutsideTransactionError extends Error {
  constructor(what: string) {
    super(
      `${what} was called on db inside db.transaction(): use the tx passed to the transaction callback ` +
        '(a query on db would wait for the transaction to end and never return on the embedded database).',
    )
    this.name = 'QueryOutsideTransactionError'
  }
}

/** Which transactions the current async context is inside, per Db. */
const insideTransaction = new AsyncLocalStorage<ReadonlySet<object>>()

function guard(owner: object, what: string): void {
  if (insideTransaction.getStore()?.has(owner)) throw new QueryOutsideTransactionError(what)
}

function within<T>(owner: object, fn: () => Promise<T>): Promise<T> {
  const outer = insideTransaction.getStore()
  return insideTransaction.run(new Set([...(outer ?? []), owner]), fn)
}

/** The handle a transaction callback gets; its queries never go through the guard. */
function txHandle(q: (sql: string, params: unknown[]) => Promise<unknown[]>, exec: (sql: string) => Promise<void>): Tx {
  return {
    query: async <R>(sql: string, params: unknown[] = []) => (await q(sql, params)) as R[],
    exec,
  }
}

const DATE_OID = 1082
const INT8_OID = 20

/**
 * Embedded PostgreSQL. dataDir undefined keeps the database in memory (tests). `loadDataDir`
 * starts from a dumped data directory (the tests' migrated snapshot) instead of running initdb.
 */
export async function openPglite(dataDir?: string, opts: { loadDataDir?: Blob } = {}): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const parsers = {
    [DATE_OID]: (v: string) => v,
    [INT8_OID]: (v: string) => Number(v),
  }
  const pglite = await PGlite.create(dataDir, { parsers, ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}) })
  const db: Db = {
    kind: 'pglite',
    async query<T>(sql: string, params: unknown[] = []) {
      guard(db, 'query()')
      return (await pglite.query<T>(sql, params)).rows
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>) {
      guard(db, 'transaction()')
      return within(db, () =>
        pglite.transaction(async (tx) =>
          fn(txHandle(async (sql, params) => (await tx.query(sql, params)).rows, async (sql) => { await tx.exec(sql) })),
        ),
      )
    },
    async exec(sql: string) {
      guard(db, 'exec()')
      await pglite.exec(sql)
    },
    async close() {
      await pglite.close()
    },
  }
  return db
}

/** A real PostgreSQL server through node-postgres. */
export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  const typeParsers = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === DATE_OID) return (v: string) => v
      if (oid === INT8_OID) return (v: string) => Number(v)
      return pg.types.getTypeParser(oid, format) as (v: string) => unknown
    },
  }
  const pool = new pg.Pool({ connectionString: url, types: typeParsers, max: opts.max ?? 10 })
  pool.on('error', (err) => console.error('postgres pool error', err.message))
  await pool.query('select 1')
  const db: Db = {
    kind: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      guard(db, 'query()')
      return (await pool.query(sql, params)).rows as T[]
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>) {
      guard(db, 'transaction()')
      const client = await pool.connect()
      try {
        await client.query('begin')
        const result = await within(db, () =>
          fn(txHandle(async (sql, params) => (await client.query(sql, params)).rows as unknown[], async (sql) => { await client.query(sql) })),
        )
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
      guard(db, 'exec()')
      await pool.query(sql)
    },
    async close() {
      await pool.end()
    },
  }
  return db
}

export async function openDb(opts: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir)
}
