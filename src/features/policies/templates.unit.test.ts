import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ContentError } from '../../platform/content/index.ts'
import { loadTemplates, parseTemplate } from './templates.ts'

const FILE = 'content/policies/acceptable_use/v1.md'
const REL = 'acceptable_use/v1.md'

function problems(text: string, rel = REL): string[] {
  try {
    parseTemplate(text, FILE, rel)
  } catch (err) {
    assert.ok(err instanceof ContentError, String(err))
    assert.equal(err.file, FILE)
    return err.message.split('\n')
  }
  return []
}

const good = ['---', 'id: acceptable_use', 'version: 1', 'title: Acceptable use', 'kind: acceptable_use', 'summary: Who may use AI.',
  'placeholders: [council_name, siro]', '---', '# Purpose', '', '{{council_name}} has a SIRO: {{siro}}.', '']

describe('policies: templates are content, checked at start-up', () => {
  it('loads every template in content/policies, the four the council needs among them', () => {
    const catalogue = loadTemplates()
    const ids = catalogue.all().map((x) => x.id)
    for (const id of ['acceptable_use', 'dos_and_donts', 'governance_charter', 'board_terms_of_reference']) assert.ok(ids.includes(id), id)
    const aup = catalogue.latest('acceptable_use')!
    assert.equal(aup.kind, 'acceptable_use')
    assert.ok(!aup.body.startsWith('\n'))
    // The structure the research asks for: scope, the six principles, the governance route, review.
    for (const words of ['contractors', 'temporary', 'consultants', 'vendors', 'personal device', 'Public benefit', 'Accountable', 'Ethical',
      'Secure', 'Transparent', 'Compliant', 'Tell information governance first', 'DPIA', 'solely automated', 'Copyright', 'Review']) {
      assert.ok(aup.body.toLowerCase().includes(words.toLowerCase()), `the acceptable use policy mentions "${words}"`)
    }
    assert.equal(catalogue.get('acceptable_use', 1)?.title, aup.title)
    assert.equal(catalogue.latest('nothing'), undefined)
  })

  it('accepts a good template and drops the blank lines after the front matter', () => {
    const tpl = parseTemplate(good.join('\n'), FILE, REL)
    assert.deepEqual([tpl.id, tpl.version, tpl.kind, tpl.placeholders], ['acceptable_use', 1, 'acceptable_use', ['council_name', 'siro']])
    assert.ok(tpl.body.startsWith('# Purpose'))
  })

  it('names the file, the field and the line of each mistake in the front matter', () => {
    const text = [...good]
    text[2] = 'version: one'
    text[4] = 'kind: memo'
    assert.deepEqual(problems(text.join('\n')), [
      `${FILE}: version: must be a number, not a string (line 3)`,
      `${FILE}: kind: must be one of: acceptable_use, dos_and_donts, charter, terms_of_reference, other (line 5)`,
    ])
  })

  it('requires the id and version to match the folder and file name', () => {
    const text = [...good]
    text[1] = 'id: other_policy'
    text[2] = 'version: 2'
    assert.deepEqual(problems(text.join('\n')), [
      `${FILE}: id: must be "acceptable_use", the name of its folder (line 2)`,
      `${FILE}: version: must be 1, as in the file name (line 3)`,
    ])
    assert.deepEqual(problems(good.join('\n'), 'acceptable_use.md'), [`${FILE}: must be at content/policies/<template>/v<version>.md`])
  })

  it('checks every placeholder the text uses is known and listed, and every listed one is used, with the file’s line', () => {
    const text = [...good]
    text[6] = 'placeholders: [council_name, siro, mayor, board_name]'
    text[10] = '{{council_name}} has a SIRO: {{siro}} and a {{dpo_contact}} and {{deputy}}.'
    assert.deepEqual(problems(text.join('\n')), [
      `${FILE}: placeholders[2]: unknown placeholder "mayor" (known: council_name, siro, dpo_contact, ai_lead, board_name) (line 7)`,
      `${FILE}: body: uses "{{dpo_contact}}", which is not listed in placeholders (line 11)`,
      `${FILE}: body: unknown placeholder "{{deputy}}" (line 11)`,
      `${FILE}: placeholders[3]: "board_name" is listed but the text never uses it (line 7)`,
    ])
  })

  it('refuses a template with no text, or without front matter', () => {
    assert.deepEqual(problems([...good.slice(0, 6), 'placeholders: []', '---', '', ''].join('\n')), [`${FILE}: body: the policy has no text (line 9)`])
    assert.deepEqual(problems('# Just Markdown\n'), [`${FILE}: must start with front matter: a line "---", the YAML fields, then another "---" (line 1)`])
  })

  it('stops loading at the first broken file, naming it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'policies-'))
    try {
      await mkdir(path.join(dir, 'broken'), { recursive: true })
      await writeFile(path.join(dir, 'broken', 'v1.md'), good.join('\n'))
      assert.throws(() => loadTemplates(dir), (err: unknown) =>
        err instanceof ContentError && /broken\/v1\.md: id: must be "broken", the name of its folder \(line 2\)/.test(err.message))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
