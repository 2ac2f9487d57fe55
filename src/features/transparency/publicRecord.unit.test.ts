// How the public record page shows a record (pure): links only for http(s) addresses and valid
// e-mail addresses, Welsh field by field with English marked as such, redactions with their
// reason, each model specification as a section of its own; and what changed between versions.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runWithLang } from '../../platform/i18n/i18n.ts'
import { HEADING_KEYS, recordChanges, safeEmail, safeHttpUrl, shownSections, wordParts } from './publicRecord.ts'

const field = (sections: ReturnType<typeof shownSections>, key: string) => sections.flatMap((s) => s.fields).find((f) => f.key === key)

describe('safe links', () => {
  it('makes links of http and https addresses only', () => {
    assert.equal(safeHttpUrl('https://council.example/ai'), 'https://council.example/ai')
    assert.equal(safeHttpUrl(' http://council.example '), 'http://council.example/')
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', '//evil.example', 'https://', 'www.council.example', 'ftp://x.example', ' javascript:https://x']) {
      assert.equal(safeHttpUrl(bad), null, bad)
    }
  })

  it('makes mailto: links of valid addresses only', () => {
    assert.equal(safeEmail('ai@council.example'), 'ai@council.example')
    for (const bad of ['not an email', 'a@b', 'ai@council.example?subject=x', 'ai@council.example\nbcc:x@y.example', '"><script>@x.example']) {
      assert.equal(safeEmail(bad), null, bad)
    }
  })
})

describe('shownSections', () => {
  const fields = {
    title: 'Bin day finder', name: 'Bin day finder', description: 'Finds your bin day.', website_url: 'javascript:alert(1)',
    contact_email: 'bins@council.example', team: 'Waste services', scope: '', benefit: 'N/A',
    model_name__2: 'Second model', model_name__1: 'First model', model_version__1: '1.0',
  }

  it('shows filled fields in the standard’s sections, each model as a section of its own, unsafe links as text', () => {
    const sections = shownSections(fields, {}, 'en', { skip: HEADING_KEYS, standardVersion: '4.0' })
    assert.equal(field(sections, 'title'), undefined, 'the heading’s fields are not repeated')
    assert.equal(field(sections, 'scope'), undefined, 'an empty field is left out')
    assert.equal(field(sections, 'benefit')?.text, 'N/A', '"N/A" is shown as written')
    assert.deepEqual(field(sections, 'website_url'), { key: 'website_url', label: 'Website URL', text: 'javascript:alert(1)', kind: 'text' }, 'not a link')
    assert.equal(field(sections, 'contact_email')?.href, 'mailto:bins@council.example')
    const models = sections.filter((s) => s.fields.some((f) => f.key.startsWith('model_name__')))
    assert.deepEqual(models.map((s) => s.fields.map((f) => f.key)), [['model_name__1', 'model_version__1'], ['model_name__2']], 'model 1, then model 2')
    assert.deepEqual(sections.filter((s) => s.tierStart).map((s) => s.tierStart), [1, 2], 'each tier opens once')
  })

  it('in Welsh shows the Welsh of each field that has it, the English (marked lang="en") of each that has not', () => {
    const sections = runWithLang('cy', () => shownSections(fields, { description: 'Yn dod o hyd i’ch diwrnod biniau.' }, 'cy', { standardVersion: '4.0' }))
    assert.deepEqual(field(sections, 'description'), { key: 'description', label: 'Disgrifiad', text: 'Yn dod o hyd i’ch diwrnod biniau.', kind: 'text' })
    assert.equal(field(sections, 'team')?.lang, 'en', 'English where there is no Welsh')
    assert.equal(field(sections, 'contact_email')?.lang, undefined, 'an address is in no language')
  })

  it('shows a redacted field with its reason', () => {
    const sections = shownSections({ ...fields, team: 'Redacted: security' }, {}, 'en', { redactions: { team: 'security' } })
    assert.equal(field(sections, 'team')?.redaction, 'security')
  })
})

describe('recordChanges', () => {
  it('lists only the fields that differ: added, removed or changed word by word', () => {
    const changes = recordChanges(
      { title: 'Bin finder', description: 'Finds your bin day.', team: 'Waste', model_name__1: 'Old model' },
      { title: 'Bin finder', description: 'Finds your bin and recycling day.', benefit: 'Fewer missed bins', model_name__1: 'Old model' },
      '4.0',
    )
    assert.deepEqual(changes.map((c) => [c.key, c.change]), [['description', 'changed'], ['team', 'removed'], ['benefit', 'added']], 'in the standard’s order')
    const description = changes.find((c) => c.key === 'description')!
    assert.deepEqual(description.parts.filter((p) => p.kind !== 'same').map((p) => [p.kind, p.text.trim()]), [['added', 'and recycling']])
    assert.ok(!changes.some((c) => c.key === 'title' || c.key === 'model_name__1'), 'unchanged fields are left out')
  })

  it('gives up on a word diff of very different long texts (replaced, not a slow unreadable diff)', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `a${i}`).join(' ')
    const b = Array.from({ length: 5000 }, (_, i) => `b${i}`).join(' ')
    const started = Date.now()
    assert.deepEqual(wordParts(a, b), [{ kind: 'removed', text: a }, { kind: 'added', text: b }])
    assert.ok(Date.now() - started < 3000, 'quickly')
  })
})
