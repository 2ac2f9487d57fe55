import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { QueryOutsideTransactionError } from './db.ts'
import { many, one, RowShapeError, run } from './rows.ts'
import { z } from 'zod'

// Runs on the embedded database, and on PostgreSQL when DATABASE_URL is set (CI runs both).
describe('transactions cannot deadlock', () => {
  let t: TestApp
  before(async () => {
    t = await createTestApp({ demo: false })
    await t.db.query('create table tx_probe (n int not null)')
  })
  after(() => t.close())

  test('a query on db inside db.transaction throws at once, saying to use tx, and rolls back', async () => {
    await assert.rejects(
      t.db.transaction(async (tx) => {
        await tx.query('insert into tx_probe values (1)')
        await t.db.query('select 1')
      }),
      (err: unknown) => err instanceof QueryOutsideTransactionError && /use the tx/.test(err.message),
    )
    assert.equal((await t.db.query('select * from tx_probe')).length, 0, 'the transaction was rolled back')
  })

  test('so does a nested db.transaction, and db.exec', async () => {
    await assert.rejects(t.db.transaction(async () => t.db.transaction(async () => 1)), QueryOutsideTransactionError)
    await assert.rejects(t.db.transaction(async () => t.db.exec('select 1')), QueryOutsideTransactionError)
  })

  test('the guard follows the async context: work after awaits and in helpers is caught too', async () => {
    const helper = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5))
      return t.db.query('select 1')
    }
    await assert.rejects(t.db.transaction(async () => helper()), QueryOutsideTransactionError)
  })

  test('tx works inside, db works again after, and other requests are not affected meanwhile', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => { release = resolve })
    const inside = t.db.transaction(async (tx) => {
      await tx.query('insert into tx_probe values (2)')
      await gate
      return (await tx.query<{ n: number }>('select n from tx_probe')).length
    })
    // Another async context (another request) may use db while the transaction is open.
    const outside = t.db.query('select 1 as one')
    release()
    assert.equal(await inside, 1)
    assert.deepEqual(await outside, [{ one: 1 }])
    assert.equal((await t.db.query('select * from tx_probe')).length, 1)
    await t.db.query('delete from tx_probe')
  })
})

describe('rows are read through schemas', () => {
  let t: TestApp
  before(async () => {
    t = await createTestApp({ demo: false })
  })
  after(() => t.close())

  test('a row that does not match its schema names the column', async () => {
    await assert.rejects(
      many(t.db, z.object({ n: z.string() }), 'select 1::int as n'),
      (err: unknown) => err instanceof RowShapeError && /\bn\b/.test(err.message),
    )
  })

  test('both drivers give DATE as a string, INT8 as a number and timestamps as Date', async () => {
    const row = await one(t.db, z.object({ d: z.string(), big: z.number(), at: z.date() }),
      "select date '2027-03-27' as d, 9007199254740991::int8 as big, now() as at")
    assert.equal(row.d, '2027-03-27')
    assert.equal(row.big, 9007199254740991)
    assert.ok(row.at instanceof Date)
  })

  test('one() refuses anything but exactly one row; run() counts returned rows', async () => {
    await assert.rejects(one(t.db, z.object({}), 'select 1 where false'), /Expected one row, got 0/)
    assert.equal(await run(t.db, 'select generate_series(1, 3)'), 3)
  })
})
