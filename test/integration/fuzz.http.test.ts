// Every route, fed malformed input: generated from the app's own route table (not a hand-kept
// list), with signed-in sessions and valid CSRF tokens so requests reach the handlers. No request
// of any shape may get a 5xx, and a refused request must change no row.
//
// Bounded for the suite (FUZZ_RUNS per route, default 4); `npm run fuzz` runs it longer.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { as, type Client, createTestApp, encodeForm, signIn, type TestApp } from '../support/app.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 4)
const SEED = Number(process.env.FUZZ_SEED ?? 20261201)

/** Routes that end the fuzzing session itself, or serve files; not input handlers. */
const SKIP = new Set(['POST /logout', 'GET /assets/govuk/*', 'GET /assets/app.css', 'GET /assets/init.js'])

/** Tables whose rows a refused request may still add: the audit trail and sign-in bookkeeping. */
const MAY_CHANGE_WHEN_REFUSED = new Set(['audit_events', 'sessions', 'schema_migrations', 'sign_in_failures'])

// ---- the hostile values ---------------------------------------------------------------------

const oddStrings = fc.constantFrom(
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\u202e\u202dRTL', '\u200b', '%00', '%', '../../etc/passwd',
  "' or 1=1 --", '<script>alert(1)</script>', 'javascript:alert(1)', '0000-01-01', '2027-02-30', '31', '-1', '1e309',
  'NaN', 'true', 'null', '__proto__', '{"a":1}', '\r\n', '\u007f', 'é', '😀', 'a'.repeat(10_000), 'b'.repeat(100_000),
)
/** What PostgreSQL or JSON cannot hold: the likeliest causes of a server error, so drawn often. */
const unstorable = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '0000-01-01')
const text = fc.oneof({ arbitrary: unstorable, weight: 4 }, { arbitrary: oddStrings, weight: 6 }, { arbitrary: fc.string({ maxLength: 40 }), weight: 1 }, { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 })

/** Field names the app's forms and API use, plus prototype keys and nonsense. */
const FIELD_NAMES = [
  '__proto__', 'constructor', 'prototype', 'toString', '_csrf', 'name', 'purpose', 'serviceArea', 'owner', 'supplier',
  'technique', 'personalData', 'specialCategoryData', 'decisionRole', 'peopleAffected', 'humanOversight', 'stage',
  'version', 'nextReviewDate-day', 'nextReviewDate-month', 'nextReviewDate-year', 'reviewDate-day', 'reviewDate-month',
  'reviewDate-year', 'dueDate-day', 'dueDate-month', 'dueDate-year', 'outcome', 'rationale', 'conditions', 'status',
  'comment', 'intent', 'email', 'password', 'next', 'roles', 'q', 'page', 'perPage', 'organisation', 'tier',
  'likelihood', 'impact', 'title', 'description', 'mitigation', 'residualLikelihood', 'residualImpact',
  'q_technique', 'q_personal_data', 'q_purpose', 'q_hidden_risks__0__title', 'currentPassword', 'newPassword',
  'confirmPassword', 'scope', 'expiresInDays', 'tokenName', 'separationOfDuties', 'answers', 'submit', 'fields',
]
const fieldName = fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 12 }))

const formValue = fc.oneof(text, fc.array(text, { maxLength: 3 }))
const formBody = fc.dictionary(fieldName, formValue, { maxKeys: 8 })

const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fieldName, tie('value'), { maxKeys: 4 }),
  ),
})).value
const jsonBody = fc.dictionary(fieldName, jsonValue, { maxKeys: 8 })
const query = fc.dictionary(fieldName, formValue, { maxKeys: 4 })

type Shape = 'form' | 'json' | 'text' | 'none'
const shape = fc.constantFrom<Shape>('form', 'form', 'form', 'form', 'json', 'text', 'none')

// ---- the app --------------------------------------------------------------------------------

describe('fuzzing every route', () => {
  let t: TestApp
  let admin: Client
  let board: Client
  const ids: Record<string, string[]> = {}

  before(async () => {
    t = await createTestApp()
    admin = await signIn(t.app, as.northmoor('admin'))
    board = await signIn(t.app, as.northmoor('board-member'))
    const pick = async (sql: string) => (await t.db.query<{ id: string }>(sql)).map((r) => r.id)
    const northmoor = "(select id from organisations where slug = 'northmoor')"
    ids.id = [
      ...(await pick(`select id from register_entries where organisation_id = ${northmoor} order by name limit 6`)),
      ...(await pick(`select id from register_entries where organisation_id <> ${northmoor} limit 1`)),
      '00000000-0000-4000-8000-000000000000',
    ]
    ids.conditionId = await pick('select id from decision_conditions limit 3')
    ids.actionId = await pick('select id from entry_actions limit 3')
    ids.riskId = await pick('select id from entry_risks limit 3')
    ids.entryId = ids.id
    ids.organisationId = [...(await pick('select id from organisations order by slug limit 3')), '00000000-0000-4000-8000-000000000000']
    ids.useCase = ['accessibility', 'benefits-fraud', 'no-such-use', '00000000-0000-4000-8000-000000000000']
    ids.item = ['no-such-guidance']
    ids.case = ['no-such-case']
  })
  after(() => t.close())

  /** A fingerprint of every table's rows, so a refused request can be shown to have changed nothing. */
  async function fingerprint(): Promise<Map<string, string>> {
    const tables = await t.db.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
    )
    // Every table in one statement (one round trip instead of one per table: this runs twice per request).
    const each = tables.filter(({ table_name }) => !MAY_CHANGE_WHEN_REFUSED.has(table_name)).map(({ table_name }, i) =>
      `select ${i} as i, md5(coalesce(string_agg(md5(x::text), '' order by md5(x::text)), '')) as f, count(*)::int as n from "${table_name}" x`)
    const rows = await t.db.query<{ i: number; f: string | null; n: number }>(each.join('\nunion all\n'))
    const names = tables.map((r) => r.table_name).filter((name) => !MAY_CHANGE_WHEN_REFUSED.has(name))
    const out = new Map<string, string>()
    for (const row of rows) out.set(names[row.i]!, `${row.n}:${row.f}`)
    assert.equal(out.size, names.length, 'a fingerprint for every table')
    return out
  }

  function fillParams(url: string, pickIndex: number): string {
    return url
      .replace(/:setId\b/g, ['screening', 'dpia', 'intake', 'nope'][pickIndex % 4]!)
      .replace(/:(\w+)/g, (_m, name: string) => {
        const pool = ids[name]?.length ? ids[name] : ['00000000-0000-4000-8000-000000000001']
        return pickIndex % 7 === 6 ? encodeURIComponent('\u0000x') : pool[pickIndex % pool.length]!
      })
      .replace(/\*$/, 'anything')
  }

  async function send(client: Client, method: string, url: string, s: Shape, form: Record<string, string | string[]>, json: unknown) {
    const headers: Record<string, string> = {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': client.csrf,
    }
    let payload: string | undefined
    if (s === 'form') {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      payload = encodeForm({ ...form, _csrf: client.csrf })
    } else if (s === 'json') {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(json)
    } else if (s === 'text') {
      headers['content-type'] = 'text/plain'
      payload = 'just text'
    }
    return t.app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) })
  }

  const decode = (html: string) =>
    html.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&quot;/g, '"').replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>').replace(/&amp;/g, '&')

  /**
   * The forms the app itself shows: action → its fields with the values the page gave them, found
   * by reading every page in the route table. Bodies start from a real form and break some fields,
   * so requests get past the first check and into the handlers.
   */
  async function formsOnPages(): Promise<Map<string, Record<string, string>>> {
    const forms = new Map<string, Record<string, string>>()
    const pages = t.app.routeTable.filter((r) => r.method === 'GET' && !SKIP.has(`GET ${r.url}`) && !r.url.includes('*'))
    for (const client of [admin, board]) {
      for (const page of pages) {
        const res = await client.get(fillParams(page.url, 0))
        if (!String(res.headers['content-type']).includes('text/html')) continue
        for (const [, attrs, inner] of res.body.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
          const action = decode(/action="([^"]*)"/.exec(attrs!)?.[1] ?? page.url)
          const fields: Record<string, string> = forms.get(action) ?? {}
          for (const [tag, kind, content] of inner!.matchAll(/<(input|select|textarea)\b[^>]*>(?:([^<]*)<\/textarea>)?/g)) {
            const name = /name="([^"]+)"/.exec(tag)?.[1]
            if (!name || name === '_csrf') continue
            const value = kind === 'textarea' ? content ?? '' : /value="([^"]*)"/.exec(tag)?.[1] ?? ''
            fields[decode(name)] ??= decode(value)
          }
          forms.set(action, fields)
        }
      }
    }
    return forms
  }

  test('no route answers 5xx, and refused requests change nothing', async () => {
    const forms = await formsOnPages()
    assert.ok(forms.size > 10, `forms were found on the pages (${forms.size})`)
    const routes = t.app.routeTable.filter((r) => !SKIP.has(`${r.method} ${r.url}`) && r.method !== 'OPTIONS' && r.method !== 'TRACE' && r.method !== 'QUERY')
    assert.ok(routes.length > 40, `the route table lists the app's routes (${routes.length})`)
    const failures: string[] = []
    let requests = 0
    for (const [n, route] of routes.entries()) {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.constant(0), fc.nat()), shape, formBody, jsonBody, query, fc.integer({ min: 0, max: 3 }).map((n) => n === 0), fc.array(fc.tuple(fc.nat(), formValue), { minLength: 1, maxLength: 4 }),
          async (pickIndex, s, extra, json, q, asBoard, breaks) => {
          const client = asBoard ? board : admin
          const path = fillParams(route.url, pickIndex)
          // Start from the real form that posts here (if any), break some of its fields, add others.
          // Forms were read from each page with its first ids (pickIndex 0); use them for this route's shape.
          const real = forms.get(fillParams(route.url, 0)) ?? {}
          const names = Object.keys(real)
          const form: Record<string, string | string[]> = { ...real }
          for (const [i, value] of breaks) if (names.length) form[names[i % names.length]!] = value
          Object.assign(form, extra)
          if (route.method === 'GET') {
            // A page's own search or filter form: break its fields in the query string.
            const own = Object.keys(forms.get(fillParams(route.url, 0)) ?? {})
            for (const [i, value] of breaks) if (own.length) q[own[i % own.length]!] = value
          }
          const search = encodeForm(q)
          const url = `${path}${search ? `?${search}` : ''}`
          const unsafe = route.method !== 'GET'
          const before = unsafe ? await fingerprint() : undefined
          let res: LightMyRequestResponse
          try {
            res = await send(client, route.method, url, unsafe ? s : 'none', form, json)
          } catch (err) {
            failures.push(`${route.method} ${url.slice(0, 120)} threw ${String(err)}`)
            return true
          }
          requests++
          if (process.env.FUZZ_DEBUG) console.log(res.statusCode, route.method, url.slice(0, 80).replace(/\s/g, ' '), s, JSON.stringify(form).slice(0, 100))
          if (res.statusCode >= 500) failures.push(`${route.method} ${route.url} (${s}) → ${res.statusCode}: ${res.body.slice(0, 200)}`)
          if (before && res.statusCode >= 400) {
            const afterPrint = await fingerprint()
            for (const [table, print] of afterPrint) {
              if (before.get(table) !== print) failures.push(`${route.method} ${route.url} (${s}) → ${res.statusCode} but changed ${table}`)
            }
          }
          return true
        }),
        { numRuns: RUNS * (route.method === 'GET' ? 1 : 3), seed: SEED + n },
      )
    }
    // The fuzzing must not have signed its own sessions out part way (it would only test the login redirect).
    assert.equal((await admin.get('/account')).statusCode, 200, 'the admin session survived the fuzzing')
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failures in ${requests} requests`)
  })
})
