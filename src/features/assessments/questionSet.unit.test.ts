import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { stringify } from 'yaml'
import { QuestionSetError, allQuestions, loadQuestionSet, loadQuestionSets, parseQuestionSet } from './questionSet.ts'

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

/** Assert the parse throws a QuestionSetError whose message has a line `FILE: <path>: <message...>`. */
function assertRejects(fn: () => unknown, pathInFile: string, message: string | RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof QuestionSetError, `expected a QuestionSetError, got ${String(err)}`)
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
      ],
    )
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
      assert.ok(err instanceof QuestionSetError)
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
      assert.ok(err instanceof QuestionSetError)
      assert.match(err.message, /^content\/assessments\/test\/v1\.yaml: line \d+, column \d+: invalid YAML/)
      return true
    })
  })

  it('rejects repeated keys in a YAML mapping', () => {
    assert.throws(() => parseQuestionSet('id: x\nid: y\n', FILE), /invalid YAML: Map keys must be unique/)
  })

  it('rejects an empty file and a file that is not a mapping', () => {
    const withMessage = (expected: string) => (err: unknown) => err instanceof QuestionSetError && err.message === expected
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
      assert.ok(err instanceof QuestionSetError)
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
      assert.ok(err instanceof QuestionSetError)
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
