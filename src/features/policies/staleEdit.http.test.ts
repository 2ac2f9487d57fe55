// Two people editing the same policy draft: the edit form carries the draft's revision, so the
// second to save over the first's newer text gets 409 — the text saved now is shown and what they
// typed is kept for copying — and nothing of the first's is lost. Preview (no JavaScript) keeps the
// revision the editor was opened at.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Client, createTestApp, fieldValue, shown, type TestApp } from '../../../test/support/app.ts'
import { makePerson, makeTeam, signInAs } from '../../../test/support/factories.ts'

let t: TestApp
let first: Client, second: Client

const location = (res: { headers: Record<string, unknown> }) => (typeof res.headers.location === 'string' ? res.headers.location : '')

async function adoptBlank(c: Client): Promise<string> {
  await c.get('/policies')
  const res = await c.post('/policies', { template: 'blank' })
  assert.equal(res.statusCode, 303, res.body.slice(0, 500))
  return /\/policies\/([0-9a-f-]{36})/.exec(location(res))?.[1] ?? ''
}

/** Opens the editor: the revision its form carries. */
async function open(c: Client, id: string): Promise<string> {
  const page = await c.get(`/policies/${id}/edit`)
  assert.equal(page.statusCode, 200, 'the editor opens')
  const revision = fieldValue(page.body, 'revision')
  assert.match(revision ?? '', /^[1-9][0-9]*$/, 'the form carries the draft’s revision')
  return revision!
}

async function storedBody(c: Client, id: string): Promise<string | undefined> {
  return fieldValue((await c.get(`/policies/${id}/edit`)).body, 'body')
}

before(async () => {
  t = await createTestApp({ demo: false })
  const team = await makeTeam(t)
  const admin2 = await makePerson(t, team.org, ['admin'])
  ;[first, second] = await Promise.all([signInAs(t, team.admin), signInAs(t, admin2)])
})
after(async () => t.close())

describe('policies: a stale edit of a draft', () => {
  it('the second save over a newer one gets 409 with the text saved now and the typed text kept; a fresh reload saves', async () => {
    const id = await adoptBlank(first)
    const r1 = await open(first, id)
    const r2 = await open(second, id)
    assert.equal(r1, r2, 'both opened the same revision')

    const saved = await first.post(`/policies/${id}/edit`, { title: 'First title', body: 'The first editor’s text.', revision: r1, action: 'save' })
    assert.equal(saved.statusCode, 303, 'the first save goes through')

    const typed = 'The second editor’s text, <b>typed</b> over an old copy.'
    const stale = await second.post(`/policies/${id}/edit`, { title: 'Second title', body: typed, revision: r2, action: 'save' })
    assert.equal(stale.statusCode, 409, 'saving over a newer save is refused')
    assert.ok(stale.body.includes(shown('policies.errors.stale')), 'the page says someone else saved')
    assert.ok(stale.body.includes('href="#stale-text"'), 'the error summary links to the text saved now')
    assert.equal(fieldValue(stale.body, 'staleTitle'), 'First title', 'the title saved now is shown')
    assert.equal(fieldValue(stale.body, 'staleBody'), 'The first editor’s text.', 'the text saved now is shown')
    assert.equal(fieldValue(stale.body, 'title'), 'Second title', 'the typed title is kept')
    assert.equal(fieldValue(stale.body, 'body'), typed, 'the typed text is kept')
    assert.notEqual(fieldValue(stale.body, 'revision'), r2, 'the form now carries the revision saved now')

    assert.equal(await storedBody(first, id), 'The first editor’s text.', 'the first editor’s text is what is stored')

    const fresh = await open(second, id)
    assert.notEqual(fresh, r2, 'a reload gets the new revision')
    const ok = await second.post(`/policies/${id}/edit`, { title: 'Second title', body: typed, revision: fresh, action: 'save' })
    assert.equal(ok.statusCode, 303, 'after a fresh reload the save goes through')
    assert.equal(await storedBody(first, id), typed, 'the second editor’s text is stored now')
  })

  it('a save from the 409 page (the person merged by hand) goes through', async () => {
    const id = await adoptBlank(first)
    const r = await open(second, id)
    await open(first, id)
    assert.equal((await first.post(`/policies/${id}/edit`, { title: 'T', body: 'One', revision: r, action: 'save' })).statusCode, 303, 'first save')
    const stale = await second.post(`/policies/${id}/edit`, { title: 'T', body: 'Two', revision: r, action: 'save' })
    assert.equal(stale.statusCode, 409, 'stale')
    const merged = await second.post(`/policies/${id}/edit`, { title: 'T', body: 'One and two', revision: fieldValue(stale.body, 'revision') ?? '', action: 'save' })
    assert.equal(merged.statusCode, 303, 'the revision carried by the 409 page saves')
    assert.equal(await storedBody(first, id), 'One and two', 'the merged text is stored')
  })

  it('Preview keeps the revision the editor was opened at, so a save after it is still checked', async () => {
    const id = await adoptBlank(first)
    const r = await open(second, id)
    assert.equal((await first.post(`/policies/${id}/edit`, { title: 'T', body: 'Newer', revision: await open(first, id), action: 'save' })).statusCode, 303, 'first save')
    const preview = await second.post(`/policies/${id}/edit`, { title: 'T', body: '# Mine', revision: r, action: 'preview' })
    assert.equal(preview.statusCode, 200, 'the preview is shown')
    assert.match(preview.body, /<h2[^>]*>Mine<\/h2>/, 'the typed text is rendered')
    assert.equal(fieldValue(preview.body, 'revision'), r, 'the preview keeps the revision the editor was opened at')
    assert.equal(fieldValue(preview.body, 'body'), '# Mine', 'the preview keeps the typed text')
    const stale = await second.post(`/policies/${id}/edit`, { title: 'T', body: '# Mine', revision: r, action: 'save' })
    assert.equal(stale.statusCode, 409, 'saving after the preview is still refused')
    assert.equal(await storedBody(first, id), 'Newer', 'nothing was overwritten')
  })

  it('a missing or malformed revision is treated as stale (409), never a 500, and nothing is saved', async () => {
    const id = await adoptBlank(first)
    const before = await storedBody(first, id)
    const cases: Record<string, string | string[]>[] = [
      {}, { revision: '' }, { revision: 'abc' }, { revision: '0' }, { revision: '-1' }, { revision: '1.5' },
      { revision: '9'.repeat(10_000) }, { revision: ['1', '1'] },
    ]
    for (const extra of cases) {
      const res = await first.post(`/policies/${id}/edit`, { title: 'Changed', body: 'Changed text', action: 'save', ...extra })
      assert.equal(res.statusCode, 409, `revision ${JSON.stringify(extra).slice(0, 40)}: refused as stale`)
      assert.equal(fieldValue(res.body, 'body'), 'Changed text', 'the typed text is kept')
    }
    // A NUL is turned away at the input boundary (400) before the route sees it.
    const nul = await first.post(`/policies/${id}/edit`, { title: 'Changed', body: 'Changed text', action: 'save', revision: '\u0000' })
    assert.ok(nul.statusCode === 400 || nul.statusCode === 409, `a NUL revision is refused, not ${nul.statusCode}`)
    assert.equal(await storedBody(first, id), before, 'nothing was saved')
  })

  it('saving the very text that is stored, from an old revision, loses nothing and is accepted', async () => {
    const id = await adoptBlank(first)
    const r = await open(second, id)
    assert.equal((await first.post(`/policies/${id}/edit`, { title: 'Same', body: 'Same text', revision: await open(first, id), action: 'save' })).statusCode, 303, 'first save')
    const res = await second.post(`/policies/${id}/edit`, { title: 'Same', body: 'Same text', revision: r, action: 'save' })
    assert.equal(res.statusCode, 303, 'nothing to lose: no conflict')
  })
})
