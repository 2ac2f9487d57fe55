import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ContentError, REPO_ROOT } from '../../platform/content/index.ts'
import {
  addItem, type AtrsStandard, itemCount, itemKey, loadStandards, recordSections, removeItem, splitKey, STANDARD_VERSIONS,
  standardField, standardFor, type StandardSection,
} from './standard.ts'

// ---- the loader ---------------------------------------------------------------------------------

const made: string[] = []
after(async () => { for (const dir of made) await rm(dir, { recursive: true, force: true }) })

/**
 * Writes the files into a new folder under the system's temp folder and loads it. The folder is
 * given relative to the repository root, as content folders are: `contentPath` joins onto the root,
 * so an absolute folder would not be found (see the report on issue 11).
 */
async function loadFiles(files: Record<string, string>): Promise<Map<string, AtrsStandard>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'atrs-standard-'))
  made.push(dir)
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text)
  return loadStandards(path.relative(REPO_ROOT, dir))
}

/** The ContentError loading one file gives (and the folder it was in, for its label). */
async function refusal(text: string, name = '9.0.yaml'): Promise<ContentError> {
  try {
    await loadFiles({ [name]: text })
  } catch (err) {
    assert.ok(err instanceof ContentError, String(err))
    return err
  }
  assert.fail(`${name} was loaded`)
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const at = text.split('\n').findIndex((l) => l.includes(needle))
  assert.ok(at >= 0, needle)
  return at + 1
}

/** A small standard that loads: the words of title, phase and region are in atrs.messages.en.json. */
const GOOD = `version: "9.0"
published: 2024-01
sections:
  - id: title
    tier: meta
    fields:
      - { ref: "0.11", key: title, required: true }
      - { ref: "0.13", key: phase, type: radios, options: [Alpha, Beta] }
      - { ref: "0.14", key: region }
`
/** GOOD with the region field's line replaced. */
const withRegion = (line: string) => GOOD.replace('      - { ref: "0.14", key: region }\n', `${line}\n`)

interface Case {
  name: string
  text: string
  file?: string
  /** Where the problem is, as the schema's messages write paths. */
  path: string
  message: RegExp
  /** The text on the line the message should name. */
  at: string
}

const CASES: Case[] = [
  {
    name: 'an unknown type', text: withRegion('      - { ref: "0.14", key: region, type: banana }'),
    path: 'sections[0].fields[2].type', message: /must be one of: text, long, select, radios, url, email, system/, at: 'type: banana',
  },
  {
    name: 'a select without options', text: withRegion('      - { ref: "0.14", key: region, type: select }'),
    path: 'sections[0].fields[2].options', message: /a select field needs options/, at: 'type: select',
  },
  {
    name: 'options on a text field', text: withRegion('      - { ref: "0.14", key: region, options: [A, B] }'),
    path: 'sections[0].fields[2].options', message: /only a select or radios field has options/, at: 'options: [A, B]',
  },
  {
    name: 'a key with a double underscore', text: withRegion('      - { ref: "0.14", key: region__name }'),
    path: 'sections[0].fields[2].key', message: /no double underscore/, at: 'region__name',
  },
  {
    name: 'a duplicate key', text: withRegion('      - { ref: "0.14", key: title }'),
    path: 'sections[0].fields[2].key', message: /the key "title" is used twice/, at: 'ref: "0.14", key: title',
  },
  {
    name: 'requiredWhen naming a missing field', text: withRegion('      - { ref: "0.14", key: region, requiredWhen: { nothing_here: "Yes" } }'),
    path: 'sections[0].fields[2].requiredWhen.nothing_here', message: /requiredWhen names "nothing_here", which is not a field/, at: 'requiredWhen',
  },
  {
    name: 'requiredWhen with a value that is not an option', text: withRegion('      - { ref: "0.14", key: region, requiredWhen: { phase: "Gamma" } }'),
    path: 'sections[0].fields[2].requiredWhen.phase', message: /"Gamma" is not an option of phase/, at: 'requiredWhen',
  },
  {
    name: 'a missing message', text: withRegion('      - { ref: "0.14", key: region, words: nothing_here }'),
    path: 'sections[0].fields[2].words', message: /no message "atrs\.field\.nothing_here"/, at: 'words: nothing_here',
  },
  {
    name: 'sameAs naming no field', text: withRegion('      - { ref: "0.14", key: phase, sameAs: "7.7" }'),
    path: 'sections[0].fields[2].sameAs', message: /no field has the reference 7\.7/, at: 'sameAs',
  },
  {
    name: 'a file whose name is not its version', text: GOOD, file: '9.1.yaml',
    path: 'version', message: /the file for version 9\.0 must be named 9\.0\.yaml/, at: 'version:',
  },
]

describe('loadStandards refuses a bad file, naming the file and where', () => {
  it('loads a good file (so each refusal below is for its one change)', async () => {
    const loaded = await loadFiles({ '9.0.yaml': GOOD })
    assert.deepEqual([...loaded.keys()], ['9.0'])
    assert.deepEqual(loaded.get('9.0')?.fields.map((f) => f.key), ['title', 'phase', 'region'])
  })

  it('loads the real files: every version we know', async () => {
    assert.deepEqual([...(await loadStandards()).keys()].sort(), [...STANDARD_VERSIONS])
  })

  for (const c of CASES) {
    it(`refuses ${c.name}`, async () => {
      const err = await refusal(c.text, c.file)
      const file = c.file ?? '9.0.yaml'
      // The file by its path (outside the repository: absolute), as every content error names it.
      assert.ok(path.isAbsolute(err.file) && err.file.endsWith(`${path.sep}${file}`), err.file)
      const issue = err.issues.find((i) => c.message.test(i.message))
      assert.ok(issue, `${c.message} in:\n${err.message}`)
      assert.equal(issue.path, c.path)
      assert.equal(issue.line, lineOf(c.text, c.at))
      assert.ok(err.message.includes(`${err.file}: ${c.path}: `), err.message)
      assert.ok(err.message.includes(`(line ${issue.line})`), err.message)
    })
  }

  it('refuses a key used twice when one of the two is a system field', async () => {
    const text = GOOD.replace('      - { ref: "0.11", key: title, required: true }\n', '      - { ref: "0.1", key: title, type: system }\n      - { ref: "0.11", key: title, required: true }\n')
    const err = await refusal(text)
    assert.match(err.message, /the key "title" is used twice/)
  })

  it('takes an absolute folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'atrs-standard-'))
    made.push(dir)
    await writeFile(path.join(dir, '9.0.yaml'), GOOD)
    assert.deepEqual([...(await loadStandards(dir)).keys()], ['9.0'])
  })

  it('refuses YAML that does not parse, with the line', async () => {
    const text = `${GOOD}      - { ref: "0.15", key: name\n`
    const err = await refusal(text)
    assert.match(err.message, /invalid YAML/)
    assert.ok(err.issues.every((i) => typeof i.line === 'number'))
  })

  it('refuses a repeated section whose minimum is more than one, or whose maximum is over 20', async () => {
    for (const repeat of ['{ group: things, min: 2, max: 3 }', '{ group: things, min: 1, max: 21 }']) {
      const text = `${GOOD}  - id: model\n    tier: 2\n    repeat: ${repeat}\n    fields:\n      - { ref: "2.4.2.1", key: model_name }\n`
      const err = await refusal(text)
      assert.equal(err.issues[0]?.path.startsWith('sections[1].repeat.'), true, err.message)
      assert.equal(err.issues[0]?.line, lineOf(text, 'repeat:'))
    }
  })

  it('refuses a folder that cannot be read', async () => {
    await assert.rejects(loadStandards('content/no-such-folder'), (err: unknown) => err instanceof ContentError && /cannot read the folder/.test(err.message))
  })
})

// ---- repeated specifications ------------------------------------------------------------------

const section = (version: string, id: string): StandardSection => {
  const s = standardFor(version).sections.find((x) => x.id === id)
  assert.ok(s, `${version} ${id}`)
  return s
}

describe('splitKey and itemKey', () => {
  it('reads the item number of a repeated field', () => {
    assert.deepEqual(splitKey('model_name__2'), { base: 'model_name', item: 2 })
    assert.deepEqual(splitKey('data_sharing_agreements__10'), { base: 'data_sharing_agreements', item: 10 })
    assert.deepEqual(splitKey('model_name'), { base: 'model_name' })
    assert.equal(itemKey('model_name', 3), 'model_name__3')
    assert.deepEqual(splitKey(itemKey('source_data_url', 7)), { base: 'source_data_url', item: 7 })
  })

  it('takes no item 0, no leading zero, no number past 99 and no trailing text', () => {
    for (const key of ['model_name__0', 'model_name__01', 'model_name__100', 'model_name__2x', 'model_name_2', '__2']) {
      assert.equal(splitKey(key).item, undefined, key)
    }
  })
})

describe('standardField', () => {
  const v3 = standardFor('3.0')

  it('finds a repeated field only with an item number, and a plain field only without', () => {
    assert.equal(standardField(v3, 'model_name__2')?.key, 'model_name')
    assert.equal(standardField(v3, 'model_name'), undefined)
    assert.equal(standardField(v3, 'title')?.key, 'title')
    assert.equal(standardField(v3, 'title__1'), undefined)
    assert.equal(standardField(v3, 'no_such_field'), undefined)
    // A system field is not one a record holds.
    assert.equal(standardField(v3, 'date_updated'), undefined)
  })
})

describe('itemCount', () => {
  const model = section('3.0', 'model')

  it('is the highest item number the section’s fields use', () => {
    assert.equal(itemCount(model, {}), 0)
    assert.equal(itemCount(model, { model_name__1: 'A' }), 1)
    assert.equal(itemCount(model, { model_name__1: 'A', model_version__3: '' }), 3)
  })

  it('counts only the section’s own fields', () => {
    assert.equal(itemCount(model, { model_name: 'plain', source_data_name__5: 'x', title: 'T' }), 0)
  })
})

describe('addItem', () => {
  it('adds the next item, every field blank, and changes nothing else', () => {
    const model = section('3.0', 'model')
    const fields = { title: 'T', model_name__1: 'A', model_version__1: '1' }
    const next = addItem(model, fields)
    assert.equal(itemCount(model, next), 2)
    for (const f of model.fields) assert.equal(next[itemKey(f.key, 2)], '', f.key)
    assert.equal(next.model_name__1, 'A')
    assert.equal(next.title, 'T')
    assert.deepEqual(fields, { title: 'T', model_name__1: 'A', model_version__1: '1' }, 'not changed in place')
  })

  it('adds after the section’s minimum: v3.0 always shows one model, v4.0 none', () => {
    assert.equal(itemCount(section('3.0', 'model'), addItem(section('3.0', 'model'), {})), 2)
    assert.equal(itemCount(section('4.0', 'model'), addItem(section('4.0', 'model'), {})), 1)
  })

  it('stops at the maximum', () => {
    const model = section('3.0', 'model')
    assert.equal(model.repeat?.max, 10)
    let fields: Record<string, string> = {}
    for (let i = 0; i < 15; i++) fields = addItem(model, fields)
    assert.equal(itemCount(model, fields), 10)
    assert.ok(!('model_name__11' in fields))
    const full = { model_name__10: 'Tenth' }
    assert.deepEqual(addItem(model, full), full)
  })

  it('leaves the repeated phase of 2.4.1.2 alone (it is not in a repeated section) and adds no system field', () => {
    const data = section('3.0', 'data')
    const next = addItem(data, { source_data_name__1: 'D' })
    assert.deepEqual(Object.keys(next).filter((k) => k.endsWith('__2')).sort(), data.fields.map((f) => itemKey(f.key, 2)).sort())
  })
})

describe('removeItem', () => {
  const model = section('3.0', 'model')
  const three = {
    title: 'T',
    model_name__1: 'One', model_version__1: 'v1',
    model_name__2: 'Two', model_version__2: 'v2',
    model_name__3: 'Three', model_version__3: 'v3', model_task__3: 'task 3',
    source_data_name__2: 'a dataset, not a model',
  }

  it('removes item 2 of 3: the old 3 becomes 2', () => {
    assert.deepEqual(removeItem(model, three, 2), {
      title: 'T',
      model_name__1: 'One', model_version__1: 'v1',
      model_name__2: 'Three', model_version__2: 'v3', model_task__2: 'task 3',
      source_data_name__2: 'a dataset, not a model',
    })
  })

  it('removes the first and the last item', () => {
    const first = removeItem(model, three, 1)
    assert.deepEqual([first.model_name__1, first.model_name__2, first.model_name__3], ['Two', 'Three', undefined])
    const last = removeItem(model, three, 3)
    assert.deepEqual([last.model_name__1, last.model_name__2, last.model_task__2, last.model_task__3], ['One', 'Two', undefined, undefined])
    assert.equal(itemCount(model, last), 2)
  })

  it('removing the only item leaves none; an item that is not there changes nothing', () => {
    assert.deepEqual(removeItem(model, { title: 'T', model_name__1: 'One' }, 1), { title: 'T' })
    assert.deepEqual(removeItem(model, three, 7), three)
  })

  it('undoes addItem', () => {
    assert.deepEqual(removeItem(model, addItem(model, three), 4), three)
  })
})

describe('recordSections', () => {
  it('spells out each item of a repeated section, at least its minimum', () => {
    const v3 = standardFor('3.0')
    const ids = (fields: Record<string, string>) => recordSections(v3, fields).map((s) => s.id)
    assert.deepEqual(ids({}), ['metadata', 'title', 'tier1', 'owner', 'rationale', 'decision_making', 'tool', 'model-1', 'data-1', 'risks'])
    const two = recordSections(v3, { model_name__2: 'Second' })
    assert.deepEqual(two.filter((s) => s.repeat).map((s) => [s.id, s.title]), [
      ['model-1', 'Model specification 1'], ['model-2', 'Model specification 2'], ['data-1', 'Data specification 1'],
    ])
    assert.deepEqual(two.find((s) => s.id === 'model-2')?.fields.map((f) => f.name).slice(0, 2), ['model_name__2', 'model_version__2'])
    assert.deepEqual(recordSections(standardFor('4.0'), {}).filter((s) => s.repeat).map((s) => s.id), ['operational_data-1'])
  })

  it('leaves out system fields, and the repeated phase unless asked for', () => {
    const v3 = standardFor('3.0')
    const names = recordSections(v3, {}).flatMap((s) => s.fields.map((f) => f.name))
    assert.ok(!names.includes('id') && !names.includes('date_updated'))
    assert.equal(names.filter((n) => n === 'phase').length, 1)
    const tool = recordSections(v3, {}, { withSameAs: true }).find((s) => s.id === 'tool')
    assert.deepEqual(tool?.fields.map((f) => [f.ref, f.name]), [['2.4.1.1', 'system_architecture'], ['2.4.1.2', 'phase'], ['2.4.1.3', 'maintenance'], ['2.4.1.4', 'models']])
  })
})
