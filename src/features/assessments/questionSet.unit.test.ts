import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { stringify } from 'yaml'
import { ContentError } from '../../platform/content/index.ts'
import { loadQuestionSet, loadQuestionSets, loadSharedLibrary, parseQuestionSet, parseSharedQuestions } from './questionSet/load.ts'
import { ATRS_LINK_KEYS, allQuestions, sharedQuestionIds } from './questionSet/schema.ts'
import type { SharedLibrary } from './questionSet/schema.ts'

const FILE = 'content/assessments/test/v1.yaml'

/** A small valid set; each test changes one thing and expects one clear message. */
function validSet() {
  const fw = [{ name: 'UK GDPR', ref: 'Art 35' }]
  return {
    id: 'test',
    version: 1,
    title: 'Test set',
    sections: [
      {
        id: 'main',
        title: 'Main',
        questions: [
          { id: 'personal_data', kind: 'yes_no', text: 'Personal data?', frameworks: fw } as Record<string, unknown>,
          {
            id: 'scale',
            kind: 'single',
            text: 'How many?',
            options: [
              { value: 'few', label: 'Few' },
              { value: 'many', label: 'Many' },
            ],
            condition: { q: 'personal_data', eq: true },
            frameworks: fw,
          } as Record<string, unknown>,
          {
            id: 'uses',
            kind: 'multiple',
            text: 'Uses?',
            options: [
              { value: 'chat', label: 'Chat' },
              { value: 'none', label: 'None', exclusive: true },
            ],
            frameworks: fw,
          } as Record<string, unknown>,
          {
            id: 'risks',
            kind: 'group',
            text: 'Risks?',
            itemLabel: 'Risk',
            fields: [
              { id: 'name', kind: 'text', text: 'Name' },
              { id: 'level', kind: 'single', text: 'Level', options: [{ value: 'low', label: 'Low' }, { value: 'high', label: 'High' }] },
              { id: 'mitigated', kind: 'yes_no', text: 'Mitigated?', required: false },
            ],
            required: false,
            frameworks: fw,
          } as Record<string, unknown>,
        ],
      },
    ],
    rules: [
      {
        id: 'large',
        when: { all: [{ q: 'personal_data', eq: true }, { q: 'scale', eq: 'many' }] },
        tier: 'high',
        flags: ['dpia_required'],
        actions: [{ level: 'MUST', text: 'Do a DPIA.' }],
        reason: 'Lots of people.',
        source: 'UK GDPR Art 35(3)(b)',
      } as Record<string, unknown>,
    ],
    flags: [{ id: 'dpia_required', label: 'DPIA required' }],
  }
}
type SetData = ReturnType<typeof validSet>

function parseWith(change: (set: SetData) => void) {
  const set = validSet()
  change(set)
  return () => parseQuestionSet(stringify(set), FILE)
}

/** Assert the parse throws a ContentError whose message has a line `FILE: <path>: <message...>`. */
function assertRejects(fn: () => unknown, pathInFile: string, message: string | RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ContentError, `expected a ContentError, got ${String(err)}`)
    assert.equal(err.file, FILE)
    const prefix = `${FILE}: ${pathInFile}: `
    const line = err.message.split('\n').find((l) => l.startsWith(prefix))
    assert.ok(line, `no line starting "${prefix}" in:\n${err.message}`)
    if (typeof message === 'string') assert.ok(line.slice(prefix.length).startsWith(message), line)
    else assert.match(line, message)
    return true
  })
}

const q = (set: SetData, i: number) => set.sections[0]!.questions[i]!
const rule0 = (set: SetData) => set.rules[0]!

describe('parseQuestionSet', () => {
  it('accepts a valid set and fills defaults', () => {
    const set = parseQuestionSet(stringify(validSet()), FILE)
    assert.deepEqual(
      allQuestions(set).map((x) => [x.id, x.required]),
      [
        ['personal_data', true],
        ['scale', true],
        ['uses', true],
        ['risks', false],
      ],
    )
    const risks = allQuestions(set)[3]
    assert.deepEqual(risks?.fields?.map((f) => [f.id, f.required]), [['name', true], ['level', true], ['mitigated', false]])
    assert.deepEqual(set.rules[0]?.flags, ['dpia_required'])
  })

  const cases: [string, (set: SetData) => void, string, string | RegExp][] = [
    [
      'a duplicated question id',
      (s) => (q(s, 2).id = 'personal_data'),
      'sections[0].questions[2].id',
      'duplicate question id "personal_data" (first used at sections[0].questions[0])',
    ],
    [
      'a duplicated rule id',
      (s) => s.rules.push({ ...rule0(s) }),
      'rules[1].id',
      'duplicate rule id "large"',
    ],
    [
      'a duplicated flag id',
      (s) => s.flags.push({ id: 'dpia_required', label: 'Again' }),
      'flags[1].id',
      'duplicate flag id "dpia_required"',
    ],
    [
      'a rule on an unknown question',
      (s) => (rule0(s).when = { all: [{ q: 'personal_data', eq: true }, { q: 'foo', eq: true }] }),
      'rules[0].when.all[1].q',
      'unknown question "foo"',
    ],
    [
      'a condition on a later question',
      (s) => (q(s, 0).condition = { q: 'uses', includes: 'chat' }),
      'sections[0].questions[0].condition.q',
      'question "uses" is not asked before "personal_data"',
    ],
    [
      'a condition on the question itself',
      (s) => (q(s, 1).condition = { not: { q: 'scale', answered: true } }),
      'sections[0].questions[1].condition.not.q',
      'question "scale" is not asked before "scale"',
    ],
    [
      'a condition on an unknown question',
      (s) => (q(s, 1).condition = { q: 'nothing', eq: true }),
      'sections[0].questions[1].condition.q',
      'unknown question "nothing"',
    ],
    [
      'an eq value that is not an option',
      (s) => (rule0(s).when = { q: 'scale', eq: 'lots' }),
      'rules[0].when.eq',
      '"lots" is not an option of "scale" (options: few, many)',
    ],
    [
      'an in value that is not an option',
      (s) => (rule0(s).when = { q: 'scale', in: ['few', 'lots'] }),
      'rules[0].when.in[1]',
      '"lots" is not an option of "scale"',
    ],
    [
      'an includesAny value that is not an option',
      (s) => (rule0(s).when = { q: 'uses', includesAny: ['chat', 'email'] }),
      'rules[0].when.includesAny[1]',
      '"email" is not an option of "uses"',
    ],
    [
      'a string compared with a yes/no question',
      (s) => (rule0(s).when = { q: 'personal_data', eq: 'yes' }),
      'rules[0].when.eq',
      '"personal_data" is a yes/no question, so compare it with true or false',
    ],
    [
      'eq on a multiple-choice question',
      (s) => (rule0(s).when = { q: 'uses', eq: 'chat' }),
      'rules[0].when.eq',
      '"uses" is a multiple-choice question, so use includes or includesAny',
    ],
    [
      'includes on a single-choice question',
      (s) => (rule0(s).when = { q: 'scale', includes: 'few' }),
      'rules[0].when.includes',
      '"scale" is a single-choice question; includes and includesAny only work on multiple-choice questions',
    ],
    [
      'gte on a yes/no question',
      (s) => (rule0(s).when = { q: 'personal_data', gte: 1 }),
      'rules[0].when.gte',
      '"personal_data" is a yes/no question; gte and lte only work on number and scale questions',
    ],
    [
      'atLeast more than the conditions listed',
      (s) => (rule0(s).when = { atLeast: 3, of: [{ q: 'personal_data', eq: true }, { q: 'scale', eq: 'few' }] }),
      'rules[0].when.atLeast',
      'is 3 but only 2 condition(s) are listed in "of"',
    ],
    [
      'a flag that is not declared',
      (s) => (rule0(s).flags = ['dpia_required', 'nope']),
      'rules[0].flags[1]',
      'flag "nope" is not declared in flags',
    ],
    [
      'a rule with no effect',
      (s) => {
        delete rule0(s).tier
        delete rule0(s).flags
        delete rule0(s).actions
      },
      'rules[0]',
      'a rule must set a tier, raise a flag or give an action',
    ],
    [
      'a choice question without options',
      (s) => delete q(s, 1).options,
      'sections[0].questions[1].options',
      'options are required for a "single" question',
    ],
    [
      'options on a yes/no question',
      (s) => (q(s, 0).options = [{ value: 'a', label: 'A' }]),
      'sections[0].questions[0].options',
      'options are only allowed for single and multiple questions, not "yes_no"',
    ],
    [
      'a duplicated option value',
      (s) => (q(s, 1).options = [{ value: 'few', label: 'Few' }, { value: 'few', label: 'Also few' }]),
      'sections[0].questions[1].options[1].value',
      'duplicate option value "few"',
    ],
    [
      'a question without a framework',
      (s) => (q(s, 0).frameworks = []),
      'sections[0].questions[0].frameworks',
      'must cite at least one framework',
    ],
    [
      'an unknown question kind',
      (s) => (q(s, 0).kind = 'essay'),
      'sections[0].questions[0].kind',
      'must be one of: yes_no, single, multiple, text, long_text, number, date, scale',
    ],
    [
      'a question id that is not snake_case',
      (s) => (q(s, 0).id = 'Personal-Data'),
      'sections[0].questions[0].id',
      'must be snake_case',
    ],
    [
      'an unknown field',
      (s) => (q(s, 0).helptext = 'x'),
      'sections[0].questions[0].helptext',
      'unknown field',
    ],
    [
      'a missing field',
      (s) => delete rule0(s).reason,
      'rules[0].reason',
      'is required',
    ],
    [
      'an unknown tier',
      (s) => (rule0(s).tier = 'severe'),
      'rules[0].tier',
      'must be one of: low, medium, high, prohibited',
    ],
    [
      'a condition with two operators',
      (s) => (rule0(s).when = { q: 'scale', eq: 'few', in: ['many'] }),
      'rules[0].when',
      'a condition needs exactly one operator',
    ],
    [
      'a condition with no operator',
      (s) => (rule0(s).when = { all: [{ q: 'scale' }] }),
      'rules[0].when.all[0]',
      /found none/,
    ],
    [
      'a bad value inside a nested condition',
      (s) => (rule0(s).when = { not: { any: [{ q: 'scale', in: 'few' }] } }),
      'rules[0].when.not.any[0].in',
      'must be a list, not a string',
    ],
    [
      'an empty all',
      (s) => (rule0(s).when = { all: [] }),
      'rules[0].when.all',
      'must list at least one condition',
    ],
    [
      'a group without fields or itemLabel',
      (s) => {
        q(s, 2).kind = 'group'
        delete q(s, 2).options
      },
      'sections[0].questions[2].fields',
      'fields are required for a "group" question',
    ],
    [
      'a group without itemLabel',
      (s) => Object.assign(q(s, 2), { kind: 'group', options: undefined, fields: [{ id: 'name', kind: 'text', text: 'Name' }] }),
      'sections[0].questions[2].itemLabel',
      'itemLabel is required for a "group" question',
    ],
    [
      'fields on a question that is not a group',
      (s) => (q(s, 0).fields = [{ id: 'name', kind: 'text', text: 'Name' }]),
      'sections[0].questions[0].fields',
      'fields is only allowed on a "group" question, not "yes_no"',
    ],
    [
      'a group inside a group',
      (s) => (q(s, 3).fields = [{ id: 'inner', kind: 'group', text: 'Inner' }]),
      'sections[0].questions[3].fields[0].kind',
      'must be one of: yes_no, single, multiple, text, long_text, number, date, scale',
    ],
    [
      'a duplicated field id',
      (s) => (q(s, 3).fields = [...(q(s, 3).fields as object[]), { id: 'name', kind: 'text', text: 'Again' }]),
      'sections[0].questions[3].fields[3].id',
      'duplicate field id "name" (first used at fields[0])',
    ],
    [
      'a field of a choice kind without options',
      (s) => delete (q(s, 3).fields as Record<string, unknown>[])[1]!.options,
      'sections[0].questions[3].fields[1].options',
      'options are required for a "single" question',
    ],
    [
      'minItems above maxItems',
      (s) => Object.assign(q(s, 3), { minItems: 4, maxItems: 3 }),
      'sections[0].questions[3].minItems',
      'is 4, more than maxItems (3)',
    ],
    [
      'anyItem on a question that is not a group',
      (s) => (rule0(s).when = { q: 'scale', anyItem: { q: 'name', answered: true } }),
      'rules[0].when.anyItem',
      '"scale" is a single-choice question; anyItem only works on a repeating group',
    ],
    [
      'anyItem on a field the group does not have',
      (s) => (rule0(s).when = { q: 'risks', anyItem: { all: [{ q: 'level', eq: 'high' }, { q: 'colour', eq: 'red' }] } }),
      'rules[0].when.anyItem.all[1].q',
      '"colour" is not a field of group "risks" (fields: name, level, mitigated)',
    ],
    [
      'anyItem with a value that is not an option of the field',
      (s) => (rule0(s).when = { q: 'risks', anyItem: { q: 'level', eq: 'severe' } }),
      'rules[0].when.anyItem.eq',
      '"severe" is not an option of "level" (options: low, high)',
    ],
    [
      'anyItem naming a question of the set, not a field',
      (s) => (rule0(s).when = { q: 'risks', anyItem: { q: 'personal_data', eq: true } }),
      'rules[0].when.anyItem.q',
      '"personal_data" is not a field of group "risks"',
    ],
    [
      'count on a question that is not a group',
      (s) => (rule0(s).when = { q: 'uses', count: { gte: 1 } }),
      'rules[0].when.count',
      '"uses" is a multiple-choice question; count only works on a repeating group',
    ],
    [
      'count without bounds',
      (s) => (rule0(s).when = { q: 'risks', count: {} }),
      'rules[0].when.count',
      'must give gte, lte or both',
    ],
    [
      'count that can never hold',
      (s) => (rule0(s).when = { q: 'risks', count: { gte: 3, lte: 1 } }),
      'rules[0].when.count',
      'can never hold: gte (3) is more than lte (1)',
    ],
    [
      'eq on a group',
      (s) => (rule0(s).when = { q: 'risks', eq: true }),
      'rules[0].when.eq',
      '"risks" is a repeating group; use anyItem, count or answered',
    ],
    [
      'includes on a group',
      (s) => (rule0(s).when = { q: 'risks', includes: 'x' }),
      'rules[0].when.includes',
      '"risks" is a repeating group; use anyItem, count or answered',
    ],
    [
      'an unknown ATRS key',
      (s) => (q(s, 0).atrs = 'summary'),
      'sections[0].questions[0].atrs',
      'must be one of: title, organisation_name',
    ],
    [
      'a set framework url that is not a web address',
      (s) => Object.assign(s, { framework: { name: 'ICO', url: 'ico.org.uk' } }),
      'framework.url',
      'must be a web address',
    ],
    [
      'a version that is not a whole number',
      (s) => (s.version = 1.5),
      'version',
      'must be a whole number, not a decimal number',
    ],
  ]
  for (const [name, change, pathInFile, message] of cases) {
    it(`rejects ${name}, naming the file and path`, () => assertRejects(parseWith(change), pathInFile, message))
  }

  it('reports every problem, one per line, with the line number in the file', () => {
    const text = stringify(
      (() => {
        const s = validSet()
        q(s, 2).id = 'personal_data'
        rule0(s).flags = ['nope']
        return s
      })(),
    )
    try {
      parseQuestionSet(text, FILE)
      assert.fail('should throw')
    } catch (err) {
      assert.ok(err instanceof ContentError)
      assert.equal(err.issues.length, 2)
      assert.deepEqual(
        err.issues.map((i) => i.path),
        ['sections[0].questions[2].id', 'rules[0].flags[0]'],
      )
      const lines = text.split('\n')
      const flagLine = lines.findIndex((l) => l.includes('- nope')) + 1
      assert.match(err.message.split('\n')[1] ?? '', new RegExp(`\\(line ${flagLine}\\)$`))
    }
  })

  it('rejects YAML that does not parse, with the line', () => {
    assert.throws(() => parseQuestionSet('id: x\nsections: [\n', FILE), (err: unknown) => {
      assert.ok(err instanceof ContentError)
      assert.match(err.message, /^content\/assessments\/test\/v1\.yaml: line \d+, column \d+: invalid YAML/)
      return true
    })
  })

  it('rejects repeated keys in a YAML mapping', () => {
    assert.throws(() => parseQuestionSet('id: x\nid: y\n', FILE), /invalid YAML: Map keys must be unique/)
  })

  it('rejects an empty file and a file that is not a mapping', () => {
    const withMessage = (expected: string) => (err: unknown) => err instanceof ContentError && err.message === expected
    assert.throws(() => parseQuestionSet('', FILE), withMessage(`${FILE}: the file is empty`))
    assert.throws(() => parseQuestionSet('- a\n', FILE), withMessage(`${FILE}: must be a mapping, not a list`))
  })
})

describe('loading files', () => {
  let dir = ''
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'question-sets-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('loads the real screening set, from any working directory', async () => {
    const cwd = process.cwd()
    process.chdir(tmpdir())
    try {
      const set = await loadQuestionSet('content/assessments/screening/v1.yaml')
      assert.equal(set.id, 'screening')
      assert.equal(set.version, 1)
      const sets = await loadQuestionSets()
      assert.equal(sets.get('screening@1')?.title, set.title)
    } finally {
      process.chdir(cwd)
    }
  })

  it('the screening set asks 10 to 16 questions, each citing a framework', async () => {
    const set = await loadQuestionSet('content/assessments/screening/v1.yaml')
    const questions = allQuestions(set)
    assert.ok(questions.length >= 10 && questions.length <= 16, `${questions.length} questions`)
    for (const question of questions) assert.ok(question.frameworks.length > 0, question.id)
    for (const rule of set.rules) assert.ok(rule.source.trim() && rule.reason.trim(), rule.id)
  })

  it('names a missing file relative to the repository root', async () => {
    await assert.rejects(loadQuestionSet('content/assessments/nothing/v9.yaml'), (err: unknown) => {
      assert.ok(err instanceof ContentError)
      assert.match(err.message, /^content\/assessments\/nothing\/v9\.yaml: cannot read the file \(ENOENT\)$/)
      return true
    })
  })

  it('loads every set in a folder, keyed id@version', async () => {
    const root = path.join(dir, 'good')
    for (const version of [1, 2]) {
      await mkdir(path.join(root, 'test'), { recursive: true })
      await writeFile(path.join(root, 'test', `v${version}.yaml`), stringify({ ...validSet(), version }))
    }
    const sets = await loadQuestionSets(root)
    assert.deepEqual([...sets.keys()].sort(), ['test@1', 'test@2'])
  })

  it('names the bad file and the path inside it', async () => {
    const root = path.join(dir, 'bad')
    await mkdir(path.join(root, 'test'), { recursive: true })
    const set = validSet()
    rule0(set).flags = ['nope']
    const file = path.join(root, 'test', 'v1.yaml')
    await writeFile(file, stringify(set))
    await assert.rejects(loadQuestionSets(root), (err: unknown) => {
      assert.ok(err instanceof ContentError)
      assert.equal(err.file, file)
      assert.ok(err.message.startsWith(`${file}: rules[0].flags[0]: flag "nope" is not declared`), err.message)
      return true
    })
  })

  it('rejects a file whose name does not match its id and version', async () => {
    const root = path.join(dir, 'misnamed')
    await mkdir(path.join(root, 'test'), { recursive: true })
    await writeFile(path.join(root, 'test', 'v2.yaml'), stringify(validSet()))
    await assert.rejects(loadQuestionSets(root), /v2\.yaml: a set with id "test" and version 1 must be saved as test\/v1\.yaml/)
  })
})

// ---------------------------------------------------------------------------------------------
// Shared questions
// ---------------------------------------------------------------------------------------------

const SHARED = 'content/assessments/shared.yaml'
const fw = [{ name: 'ATRS v3.0', ref: '2.1.4' }]

function sharedData() {
  return {
    questions: [
      { id: 'supplier_involved', kind: 'yes_no', text: 'Supplier?', atrs: 'external_supplier_involvement', frameworks: fw },
      { id: 'supplier_name', kind: 'text', text: 'Who?', condition: { q: 'supplier_involved', eq: true }, atrs: 'external_supplier', frameworks: fw },
      {
        id: 'models',
        kind: 'group',
        text: 'Models?',
        itemLabel: 'Model',
        required: false,
        fields: [{ id: 'model_name', kind: 'text', text: 'Name' }],
        frameworks: fw,
      },
    ] as Record<string, unknown>[],
  }
}
const library: SharedLibrary = parseSharedQuestions(stringify(sharedData()), SHARED)

/** A set that uses the shared questions; `change` edits its data. */
function parseUsing(change: (set: SetData) => void = () => {}, shared: SharedLibrary = library) {
  const set = validSet()
  set.sections[0]!.questions.push({ use: 'supplier_involved' }, { use: 'supplier_name' })
  change(set)
  return () => parseQuestionSet(stringify(set), FILE, shared)
}

describe('use: shared questions', () => {
  it('copies the shared question in, with its condition, marked shared', () => {
    const set = parseUsing()()
    const name = allQuestions(set).find((x) => x.id === 'supplier_name')
    assert.deepEqual(name, {
      id: 'supplier_name',
      kind: 'text',
      text: 'Who?',
      condition: { q: 'supplier_involved', eq: true },
      atrs: 'external_supplier',
      frameworks: fw,
      required: true,
      shared: true,
    })
    assert.deepEqual(sharedQuestionIds(set), ['supplier_involved', 'supplier_name'])
  })

  it('lets the set replace the condition, drop it with null, and change required', () => {
    const set = parseUsing((s) => {
      s.sections[0]!.questions[5] = { use: 'supplier_name', condition: { q: 'personal_data', eq: true }, required: false }
    })()
    const name = allQuestions(set).find((x) => x.id === 'supplier_name')
    assert.deepEqual([name?.condition, name?.required], [{ q: 'personal_data', eq: true }, false])
    const always = parseUsing((s) => (s.sections[0]!.questions[5] = { use: 'supplier_name', condition: null }))()
    assert.equal(allQuestions(always).find((x) => x.id === 'supplier_name')?.condition, undefined)
  })

  it('rejects an unknown shared id, naming the set file and the path', () => {
    assertRejects(
      parseUsing((s) => s.sections[0]!.questions.push({ use: 'nothing_here' })),
      'sections[0].questions[6].use',
      `unknown shared question "nothing_here" (not in ${SHARED})`,
    )
  })

  it('rejects an inline question that redefines a shared one', () => {
    assertRejects(
      parseUsing((s) => (q(s, 1).id = 'supplier_name')),
      'sections[0].questions[1].id',
      `"supplier_name" is a shared question in ${SHARED}: define it once in shared.yaml`,
    )
  })

  it('rejects using the same shared question twice', () => {
    assertRejects(
      parseUsing((s) => s.sections[0]!.questions.push({ use: 'supplier_involved' })),
      'sections[0].questions[6].use',
      'duplicate question id "supplier_involved"',
    )
  })

  it('says when a shared condition needs a question the set does not ask first', () => {
    assertRejects(
      parseUsing((s) => s.sections[0]!.questions.splice(4, 1)),
      'sections[0].questions[4].condition.q',
      /question "supplier_involved" is not in this set \(it is in .*shared\.yaml: include it with "- use: supplier_involved"\) \(this condition comes from .*shared\.yaml; give the use: entry its own condition/,
    )
    assertRejects(
      parseUsing((s) => s.sections[0]!.questions.reverse()),
      'sections[0].questions[0].condition.q',
      /question "supplier_involved" is not asked before "supplier_name".*\(this condition comes from/,
    )
  })

  it('rejects unknown fields on a use: entry', () => {
    assertRejects(parseUsing((s) => s.sections[0]!.questions.push({ use: 'models', text: 'x' })), 'sections[0].questions[6].text', 'unknown field')
  })

  it('a rule may look inside a shared group', () => {
    const set = parseUsing((s) => {
      s.sections[0]!.questions.push({ use: 'models' })
      s.rules.push({ ...rule0(s), id: 'many_models', when: { q: 'models', anyItem: { q: 'model_name', answered: true } } })
    })()
    assert.equal(set.rules.length, 2)
  })

  it('checks appliesWhen against the shared questions only', () => {
    const set = parseUsing((s) => Object.assign(s, { appliesWhen: { q: 'supplier_involved', eq: true } }))()
    assert.deepEqual(set.appliesWhen, { q: 'supplier_involved', eq: true })
    assertRejects(
      parseUsing((s) => Object.assign(s, { appliesWhen: { q: 'scale', eq: 'few' } })),
      'appliesWhen.q',
      /"scale" is not a shared question; appliesWhen may only use questions in/,
    )
    assertRejects(
      parseUsing((s) => Object.assign(s, { appliesWhen: { q: 'supplier_involved', eq: 'yes' } })),
      'appliesWhen.eq',
      '"supplier_involved" is a yes/no question, so compare it with true or false',
    )
  })

  it('keeps the framework metadata', () => {
    const set = parseUsing((s) => Object.assign(s, { framework: { name: 'ATRS', url: 'https://www.gov.uk/atrs' } }))()
    assert.deepEqual(set.framework, { name: 'ATRS', url: 'https://www.gov.uk/atrs' })
  })

  it('without a library argument, use: resolves from content/assessments/shared.yaml, which then forbids redefining its ids', () => {
    const set = validSet()
    set.sections[0]!.questions[0] = { use: 'personal_data' }
    set.sections[0]!.questions.push({ use: 'decision_role' })
    const parsed = parseQuestionSet(stringify(set), FILE)
    assert.equal(allQuestions(parsed).find((x) => x.id === 'decision_role')?.kind, 'single')
    set.sections[0]!.questions.push({ id: 'profiling', kind: 'yes_no', text: 'Profiling?', frameworks: fw })
    assert.throws(() => parseQuestionSet(stringify(set), FILE), /questions\[5\]\.id: "profiling" is a shared question in content\/assessments\/shared\.yaml/)
  })
})

describe('parseSharedQuestions', () => {
  const rejectsShared = (change: (d: ReturnType<typeof sharedData>) => void, pathInFile: string, message: string | RegExp) => {
    const data = sharedData()
    change(data)
    assert.throws(() => parseSharedQuestions(stringify(data), SHARED), (err: unknown) => {
      assert.ok(err instanceof ContentError)
      assert.equal(err.file, SHARED)
      const line = err.message.split('\n').find((l) => l.startsWith(`${SHARED}: ${pathInFile}: `))
      assert.ok(line, err.message)
      if (typeof message === 'string') assert.ok(line.includes(message), line)
      else assert.match(line, message)
      return true
    })
  }
  it('rejects a duplicated id', () =>
    rejectsShared((d) => (d.questions[2]!.id = 'supplier_name'), 'questions[2].id', 'duplicate question id "supplier_name" (first used at questions[1])'))
  it('rejects a condition on an unknown question', () =>
    rejectsShared((d) => (d.questions[1]!.condition = { q: 'nope', eq: true }), 'questions[1].condition.q', 'unknown shared question "nope"'))
  it('rejects a question that depends on itself', () =>
    rejectsShared((d) => (d.questions[1]!.condition = { q: 'supplier_name', answered: true }), 'questions[1].condition.q', 'cannot depend on itself'))
  it('rejects a bad ATRS key', () => rejectsShared((d) => (d.questions[0]!.atrs = 'nope'), 'questions[0].atrs', 'must be one of'))
  it('rejects sets-only fields', () => rejectsShared((d) => Object.assign(d, { rules: [] }), 'rules', 'unknown field'))
})

describe('the real shared library', () => {
  it('loads, and holds the screening facts with unchanged ids, kinds and options', async () => {
    const shared = await loadSharedLibrary()
    const screening = await loadQuestionSet('content/assessments/screening/v1.yaml')
    for (const question of allQuestions(screening)) {
      assert.equal(question.shared, true, question.id)
      assert.equal(shared.questions.get(question.id)?.kind, question.kind)
    }
    assert.deepEqual(shared.questions.get('people_scale')?.options?.map((o) => o.value), [
      'under_100',
      'hundreds',
      'thousands',
      'tens_of_thousands_or_more',
    ])
  })
  it('uses only known ATRS keys (the schema checks) and names the intake facts', async () => {
    const shared = await loadSharedLibrary()
    for (const id of ['purpose', 'service_area', 'people_affected', 'personal_data', 'human_oversight', 'supplier_name', 'technique']) {
      assert.ok(shared.questions.has(id), id)
    }
    assert.equal(shared.questions.get('purpose')?.atrs, 'description')
    assert.ok(ATRS_LINK_KEYS.includes('risks_and_mitigations'))
    assert.deepEqual(shared.questions.get('technique')?.options?.map((o) => o.value), [
      'llm_generative', 'ml_prediction', 'rules', 'computer_vision', 'speech', 'optimisation', 'other',
    ])
  })
})

describe('loading a folder with shared.yaml', () => {
  let dir = ''
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'question-sets-shared-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  /** Write files (path → data) under a fresh folder and return it. */
  async function folder(name: string, files: Record<string, unknown>) {
    const root = path.join(dir, name)
    for (const [file, data] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true })
      await writeFile(path.join(root, file), stringify(data))
    }
    return root
  }
  const usingSet = (id: string) => {
    const set = { ...validSet(), id }
    set.sections[0]!.questions.push({ use: 'supplier_involved' })
    return set
  }

  it('skips shared.yaml as a set and resolves use: from it', async () => {
    const root = await folder('ok', { 'shared.yaml': sharedData(), 'a/v1.yaml': usingSet('a') })
    const sets = await loadQuestionSets(root)
    assert.deepEqual([...sets.keys()], ['a@1'])
    assert.equal(allQuestions(sets.get('a@1')!).find((x) => x.id === 'supplier_involved')?.shared, true)
    // One file on its own finds the shared.yaml of the folder above its own.
    const one = await loadQuestionSet(path.join(root, 'a', 'v1.yaml'))
    assert.equal(one.id, 'a')
  })

  it('names the set file for a use: the folder cannot resolve', async () => {
    const root = await folder('missing', { 'a/v1.yaml': usingSet('a') })
    await assert.rejects(loadQuestionSets(root), (err: unknown) => {
      assert.ok(err instanceof ContentError)
      assert.equal(err.file, path.join(root, 'a', 'v1.yaml'))
      assert.match(err.message, /sections\[0\]\.questions\[4\]\.use: unknown shared question "supplier_involved"/)
      return true
    })
  })

  it('names shared.yaml when it is bad', async () => {
    const bad = sharedData()
    bad.questions[1]!.condition = { q: 'nope', eq: true }
    const root = await folder('bad-shared', { 'shared.yaml': bad, 'a/v1.yaml': usingSet('a') })
    await assert.rejects(loadQuestionSets(root), (err: unknown) => err instanceof ContentError && err.file === path.join(root, 'shared.yaml'))
  })

  it('rejects the same inline question in two sets, naming both files', async () => {
    const root = await folder('dup', { 'shared.yaml': sharedData(), 'a/v1.yaml': usingSet('a'), 'b/v1.yaml': usingSet('b') })
    await assert.rejects(loadQuestionSets(root), (err: unknown) => {
      assert.ok(err instanceof ContentError)
      assert.equal(err.file, path.join(root, 'b', 'v1.yaml'))
      assert.ok(
        err.message.startsWith(
          `${path.join(root, 'b', 'v1.yaml')}: sections[0].questions[0].id: question "personal_data" is also defined in ${path.join(root, 'a', 'v1.yaml')}; define it once in shared.yaml`,
        ),
        err.message,
      )
      return true
    })
  })

  it('allows versions of one set to repeat their inline questions, but not change a kind', async () => {
    const v2 = { ...usingSet('a'), version: 2 }
    const ok = await folder('versions', { 'shared.yaml': sharedData(), 'a/v1.yaml': usingSet('a'), 'a/v2.yaml': v2 })
    assert.deepEqual([...(await loadQuestionSets(ok)).keys()], ['a@1', 'a@2'])

    const changed = { ...usingSet('a'), version: 2 }
    changed.sections[0]!.questions[2] = { id: 'uses', kind: 'text', text: 'Uses?', frameworks: fw }
    changed.rules = []
    const root = await folder('kind-change', { 'shared.yaml': sharedData(), 'a/v1.yaml': usingSet('a'), 'a/v2.yaml': changed })
    await assert.rejects(
      loadQuestionSets(root),
      /v2\.yaml: sections\[0\]\.questions\[2\]\.id: question "uses" is a text question here but a multiple-choice question in .*v1\.yaml; a question whose meaning changes needs a new id/,
    )
  })

  it('loads every real set, including intake, and no inline id is in two sets', async () => {
    const sets = await loadQuestionSets()
    assert.ok(sets.has('screening@1') && sets.has('intake@1'))
    const intake = sets.get('intake@1')!
    assert.equal(intake.framework?.name, 'Algorithmic Transparency Recording Standard (ATRS) v3.0')
    assert.ok(allQuestions(intake).every((x) => x.shared))
  })
})
