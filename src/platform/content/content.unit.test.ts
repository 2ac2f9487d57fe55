import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { z } from 'zod'
import {
  ContentError, fileLabel, formatIssue, formatPath, listContentFiles, loadMarkdownWith, loadYamlWith, parseFrontMatter, parseNested,
  parseYaml, parseYamlWith, readContentFile, REPO_ROOT, validateContent,
} from './index.ts'

const FILE = 'content/things/list.yaml'

const Thing = z.strictObject({ id: z.string().regex(/^[a-z]+$/, 'must be lower-case letters'), size: z.number() })
const ThingList = z.strictObject({ title: z.string(), things: z.array(Thing) })

/** Asserts `fn` throws a ContentError for `file` with exactly these lines. */
function assertContentError(fn: () => unknown, file: string, lines: string[]) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ContentError, `expected a ContentError, got ${String(err)}`)
    assert.equal(err.file, file)
    assert.deepEqual(err.message.split('\n'), lines)
    return true
  })
}

describe('content: YAML checked with a schema', () => {
  it('returns the checked data', () => {
    const data = parseYamlWith(ThingList, 'title: Things\nthings:\n  - { id: a, size: 1 }\n', FILE)
    assert.deepEqual(data, { title: 'Things', things: [{ id: 'a', size: 1 }] })
  })

  it('names the file, the path inside it and the line of each problem', () => {
    const text = [
      'title: Things', //          1
      'things:', //                2
      '  - id: first', //          3
      '    size: 1', //            4
      '  - id: Second', //         5
      '    size: big', //          6
      '    colour: red', //        7
    ].join('\n')
    assertContentError(() => parseYamlWith(ThingList, text, FILE), FILE, [
      `${FILE}: things[1].id: must be lower-case letters (line 5)`,
      `${FILE}: things[1].size: must be a number, not a string (line 6)`,
      `${FILE}: things[1].colour: unknown field (line 7)`,
    ])
    try {
      parseYamlWith(ThingList, text, FILE)
    } catch (err) {
      assert.ok(err instanceof ContentError)
      assert.deepEqual(err.issues.map((i) => [i.path, i.line]), [['things[1].id', 5], ['things[1].size', 6], ['things[1].colour', 7]])
    }
  })

  it('reports a missing field at the mapping that should hold it', () => {
    assertContentError(() => parseYamlWith(ThingList, 'title: Things\nthings:\n  - id: a\n', FILE), FILE, [
      `${FILE}: things[0].size: is required (line 3)`,
    ])
  })

  it('says what a value should have been, in an author’s words', () => {
    assertContentError(() => parseYamlWith(ThingList, 'title: [a]\nthings: {}\n', FILE), FILE, [
      `${FILE}: title: must be a string, not a list (line 1)`,
      `${FILE}: things: must be a list, not a mapping (line 2)`,
    ])
  })

  it('refuses YAML that does not parse, with the line and column', () => {
    assert.throws(() => parseYaml('title: x\nthings: [\n', FILE), (err: unknown) => {
      assert.ok(err instanceof ContentError)
      assert.match(err.message, /^content\/things\/list\.yaml: line \d+, column \d+: invalid YAML: /)
      assert.equal(typeof err.issues[0]?.line, 'number')
      return true
    })
  })

  it('refuses repeated keys and an empty file', () => {
    assert.throws(() => parseYaml('title: a\ntitle: b\n', FILE), /line 2, column 1: invalid YAML: Map keys must be unique/)
    assertContentError(() => parseYaml('', FILE), FILE, [`${FILE}: the file is empty`])
    assertContentError(() => parseYaml('# only a comment\n', FILE), FILE, [`${FILE}: the file is empty`])
  })

  it('locates later problems (checks beyond the schema) by path', () => {
    const content = parseYaml('title: Things\nthings:\n  - { id: a, size: 1 }\n  - { id: a, size: 2 }\n', FILE)
    const data = validateContent(content, ThingList)
    assert.equal(data.things.length, 2)
    assert.equal(content.lineAt(['things', 1, 'id']), 4)
    assert.equal(content.lineAt(['things', 9, 'id']), 3, 'a missing item: the list that should hold it')
    assert.equal(content.lineAt([]), undefined)
    const err = content.error([{ segments: ['things', 1, 'id'], message: 'duplicate id "a"' }])
    assert.equal(err.message, `${FILE}: things[1].id: duplicate id "a" (line 4)`)
  })

  it('passes nested issues on from a schema that picks its own branch', () => {
    const Shape = z.unknown().transform((input, ctx) =>
      parseNested(typeof input === 'object' && input !== null && 'r' in input ? z.strictObject({ r: z.number() }) : z.strictObject({ w: z.number() }), input, ctx))
    const List = z.strictObject({ shapes: z.array(Shape) })
    assertContentError(() => parseYamlWith(List, 'shapes:\n  - r: 1\n  - r: x\n  - { w: 1, h: 2 }\n', FILE), FILE, [
      `${FILE}: shapes[1].r: must be a number, not a string (line 3)`,
      `${FILE}: shapes[2].h: unknown field (line 4)`,
    ])
  })
})

describe('content: Markdown with front matter', () => {
  const Policy = z.strictObject({ title: z.string(), review: z.iso.date({ error: 'must be a date written YYYY-MM-DD' }) })

  it('returns the checked front matter, the body and where the body starts', () => {
    const parsed = parseFrontMatter(Policy, '---\ntitle: Use of AI\nreview: 2027-01-31\n---\n# Use of AI\n\nText.\n', 'content/policies/ai.md')
    assert.deepEqual(parsed.data, { title: 'Use of AI', review: '2027-01-31' })
    assert.equal(parsed.body, '# Use of AI\n\nText.\n')
    assert.equal(parsed.bodyLine, 5)
  })

  it('names the file, the path and the file’s own line of a broken field', () => {
    const file = 'content/policies/ai.md'
    assertContentError(() => parseFrontMatter(Policy, '---\ntitle: Use of AI\nreview: soon\n---\nBody\n', file), file, [
      `${file}: review: must be a date written YYYY-MM-DD (line 3)`,
    ])
    assertContentError(() => parseFrontMatter(Policy, '---\ntitle: [\n---\n', file), file, [
      `${file}: line 2, column 9: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ])
  })

  it('refuses a file without front matter, or with front matter never closed or empty', () => {
    const file = 'content/policies/ai.md'
    assert.throws(() => parseFrontMatter(Policy, '# Just Markdown\n', file), /^ContentError: content\/policies\/ai\.md: must start with front matter/)
    assert.throws(() => parseFrontMatter(Policy, '---\ntitle: x\n', file), /the front matter is not closed/)
    assert.throws(() => parseFrontMatter(Policy, '---\n---\nBody\n', file), /the front matter is empty \(line 2\)/)
  })

  it('accepts Windows line ends and a byte-order mark', () => {
    const parsed = parseFrontMatter(Policy, '\uFEFF---\r\ntitle: T\r\nreview: 2027-01-31\r\n---\r\nBody', 'x.md')
    assert.equal(parsed.data.title, 'T')
    assert.equal(parsed.body, 'Body')
  })
})

describe('content: files', () => {
  let dir = ''
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'content-'))
    await mkdir(path.join(dir, 'b', 'deeper'), { recursive: true })
    await writeFile(path.join(dir, 'a.yaml'), 'title: A\nthings: []\n')
    await writeFile(path.join(dir, 'b', 'deeper', 'c.yaml'), 'title: C\nthings:\n  - { id: c, size: "no" }\n')
    await writeFile(path.join(dir, 'b', 'notes.md'), '---\ntitle: Notes\nreview: 2027-02-30\n---\nText\n')
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('lists files by extension, recursively and sorted, with / separators', async () => {
    assert.deepEqual(await listContentFiles(dir, '.yaml'), ['a.yaml', 'b/deeper/c.yaml'])
    assert.deepEqual(await listContentFiles(dir, '.md'), ['b/notes.md'])
    await assert.rejects(listContentFiles(path.join(dir, 'none'), '.yaml'), /none: cannot read the folder \(ENOENT\)/)
  })

  it('loads and checks a YAML file, naming a broken one by its path', async () => {
    assert.deepEqual(await loadYamlWith(ThingList, path.join(dir, 'a.yaml')), { title: 'A', things: [] })
    const broken = path.join(dir, 'b', 'deeper', 'c.yaml')
    await assert.rejects(loadYamlWith(ThingList, broken), (err: unknown) => {
      assert.ok(err instanceof ContentError)
      assert.equal(err.file, broken, 'outside the repository a file is named by its absolute path')
      assert.equal(err.message, `${broken}: things[0].size: must be a number, not a string (line 3)`)
      return true
    })
  })

  it('loads Markdown with front matter, naming a broken field with the file’s line', async () => {
    const file = path.join(dir, 'b', 'notes.md')
    const Notes = z.strictObject({ title: z.string(), review: z.iso.date({ error: 'must be a real date' }) })
    await assert.rejects(loadMarkdownWith(Notes, file), (err: unknown) =>
      err instanceof ContentError && err.message === `${file}: review: must be a real date (line 3)`)
    const ok = await loadMarkdownWith(z.strictObject({ title: z.string(), review: z.string() }), file)
    assert.deepEqual([ok.data.title, ok.body, ok.bodyLine], ['Notes', 'Text\n', 5])
  })

  it('names files inside the repository from its root, whatever the working directory', async () => {
    const cwd = process.cwd()
    process.chdir(tmpdir())
    try {
      const file = await readContentFile('package.json')
      assert.equal(file.label, 'package.json')
      assert.equal(file.absolute, path.join(REPO_ROOT, 'package.json'))
      await assert.rejects(readContentFile('content/nothing/here.yaml'), /^ContentError: content\/nothing\/here\.yaml: cannot read the file \(ENOENT\)$/)
      assert.equal(await readContentFile('content/nothing/here.yaml', { missingOk: true }), null)
    } finally {
      process.chdir(cwd)
    }
    assert.equal(fileLabel(path.join(REPO_ROOT, 'content', 'x.yaml')), 'content/x.yaml')
  })
})

describe('content: messages', () => {
  it('formats paths and issues', () => {
    assert.equal(formatPath(['rules', 3, 'when', 'all', 1, 'q']), 'rules[3].when.all[1].q')
    assert.equal(formatPath([]), '')
    assert.equal(formatIssue('f.yaml', { path: 'a.b', message: 'is wrong', line: 7 }), 'f.yaml: a.b: is wrong (line 7)')
    assert.equal(formatIssue('f.yaml', { path: '', message: 'the file is empty' }), 'f.yaml: the file is empty')
    assert.equal(formatIssue('f.yaml', { path: '', message: 'invalid YAML: x', line: 2, column: 5 }), 'f.yaml: line 2, column 5: invalid YAML: x')
    const err = new ContentError('f.yaml', [{ path: 'a', message: 'one' }, { path: 'b', message: 'two', line: 3 }])
    assert.equal(err.message, 'f.yaml: a: one\nf.yaml: b: two (line 3)')
    assert.equal(err.name, 'ContentError')
  })
})
