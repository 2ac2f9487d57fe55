/**
 * Shared action ids: the actions library in shared.yaml, `- use: <id>` in a rule's actions, and
 * the loader's refusals (unknown id, an id written out with other words or level, a duplicate
 * id), each naming the file, the path and the line. Then the keys and sources an outcome gives.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ContentError } from '../../platform/content/index.ts'
import { evaluate } from './engine.ts'
import { actionsAskedFor, needsOwner } from './model.ts'
import { loadQuestionSets, parseQuestionSet, parseSharedQuestions } from './questionSet/load.ts'

const SHARED = 'content/assessments/shared.yaml'
const FILE = 'content/assessments/test/v1.yaml'

const sharedYaml = (actions: string) => `questions:
  - id: personal_data
    kind: yes_no
    text: Personal data?
    frameworks: [{ name: UK GDPR, ref: Art 4 }]
actions:
${actions}`

const LIBRARY_ACTIONS = `  - id: complete_dpia
    level: MUST
    text: Complete a full DPIA.
  - id: publish_atrs
    level: COULD
    text: Publish an ATRS record.
`

const setYaml = (rules: string) => `id: test
version: 1
title: Test
actionsNeedOwner: true
sections:
  - id: main
    title: Main
    questions:
      - use: personal_data
      - id: profiling
        kind: yes_no
        text: Profiling?
        frameworks: [{ name: UK GDPR, ref: Art 22 }]
rules:
${rules}`

const RULES = `  - id: personal
    when: { q: personal_data, eq: true }
    actions:
      - use: complete_dpia
      - { level: SHOULD, text: Tell people. }
    reason: Personal data.
    source: UK GDPR Art 35
  - id: profiles
    when: { q: profiling, eq: true }
    actions:
      - { id: complete_dpia, level: MUST, text: Complete a full DPIA. }
      - use: publish_atrs
      - { level: SHOULD, text: Tell people. }
    reason: Profiling.
    source: UK GDPR Art 22
`

/** The 1-based line of the first line of `text` containing `needle` (after `after`, if given). */
function lineOf(text: string, needle: string, after = ''): number {
  const lines = text.split('\n')
  const start = after ? lines.findIndex((l) => l.includes(after)) : 0
  const i = lines.findIndex((l, n) => n >= start && l.includes(needle))
  assert.ok(i >= 0, `"${needle}" is in the file`)
  return i + 1
}

/** The parse throws a ContentError with a line `<file>: <path>: <message> (line N)`. */
function refuses(fn: () => unknown, file: string, pathInFile: string, message: RegExp, line: number): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ContentError, `a ContentError, not ${String(err)}`)
    const found = err.message.split('\n').find((l) => l.startsWith(`${file}: ${pathInFile}: `))
    assert.ok(found, `no line for ${pathInFile} in:\n${err.message}`)
    assert.match(found, message, 'the message says what is wrong')
    assert.match(found, new RegExp(`\\(line ${line}\\)$`), `${found} names line ${line}`)
    return true
  })
}

const library = parseSharedQuestions(sharedYaml(LIBRARY_ACTIONS), SHARED)

describe('shared action ids in the loader', () => {
  it('resolves `- use:` to the library action, and accepts an id written out with the same words', () => {
    const set = parseQuestionSet(setYaml(RULES), FILE, library)
    assert.deepEqual(set.rules[0]!.actions, [
      { id: 'complete_dpia', level: 'MUST', text: 'Complete a full DPIA.' },
      { level: 'SHOULD', text: 'Tell people.' },
    ], 'use: is replaced by the library action; an action without an id stays as written')
    assert.deepEqual(set.rules[1]!.actions.map((a) => a.id), ['complete_dpia', 'publish_atrs', undefined], 'ids are kept')
    assert.equal(set.actionsNeedOwner, true, 'actionsNeedOwner is read')
  })

  it('refuses an unknown id in `- use:`, naming the file, the path and the line', () => {
    const text = setYaml(RULES.replace('- use: publish_atrs', '- use: publish_atr'))
    refuses(() => parseQuestionSet(text, FILE, library), FILE, 'rules[1].actions[1].use', /unknown action id "publish_atr" \(not in the actions of content\/assessments\/shared\.yaml\)/,
      lineOf(text, 'use: publish_atr'))
  })

  it('refuses an unknown id written out', () => {
    const text = setYaml(RULES.replace('{ id: complete_dpia,', '{ id: complete_dpiaa,'))
    refuses(() => parseQuestionSet(text, FILE, library), FILE, 'rules[1].actions[0].id', /unknown action id "complete_dpiaa"/, lineOf(text, 'complete_dpiaa'))
  })

  it('refuses an id written out with other words, or another level, than the library gives it', () => {
    const words = setYaml(RULES.replace('text: Complete a full DPIA. }', 'text: Do a DPIA. }'))
    refuses(() => parseQuestionSet(words, FILE, library), FILE, 'rules[1].actions[0].text',
      /action "complete_dpia" is MUST "Complete a full DPIA\." in content\/assessments\/shared\.yaml but MUST "Do a DPIA\." here/, lineOf(words, 'Do a DPIA.'))
    const level = setYaml(RULES.replace('{ id: complete_dpia, level: MUST,', '{ id: complete_dpia, level: SHOULD,'))
    refuses(() => parseQuestionSet(level, FILE, library), FILE, 'rules[1].actions[0].level', /is MUST .* but SHOULD "Complete a full DPIA\." here/,
      lineOf(level, 'id: complete_dpia, level: SHOULD'))
  })

  it('refuses the same id twice in one rule', () => {
    const text = setYaml(RULES.replace('      - use: publish_atrs\n', '      - use: complete_dpia\n'))
    refuses(() => parseQuestionSet(text, FILE, library), FILE, 'rules[1].actions[1].use', /duplicate action id "complete_dpia" in this rule \(first used at actions\[0\]\)/,
      lineOf(text, '- use: complete_dpia', 'id: profiles'))
  })

  it('refuses a library that declares an id twice, naming shared.yaml, the path and the line', () => {
    const text = sharedYaml(`${LIBRARY_ACTIONS}  - id: complete_dpia
    level: SHOULD
    text: Another DPIA.
`)
    refuses(() => parseSharedQuestions(text, SHARED), SHARED, 'actions[2].id', /duplicate action id "complete_dpia" \(first used at actions\[0\]\)/,
      lineOf(text, 'id: complete_dpia', 'Publish an ATRS record.'))
  })

  it('refuses a library action without an id or with a bad level', () => {
    const noId = sharedYaml('  - { level: MUST, text: Something. }\n')
    assert.throws(() => parseSharedQuestions(noId, SHARED), /actions\[0\]\.id/, 'a library action needs an id')
    const badLevel = sharedYaml('  - { id: x_y, level: MAYBE, text: Something. }\n')
    assert.throws(() => parseSharedQuestions(badLevel, SHARED), /actions\[0\]\.level/, 'the level is MUST, SHOULD or COULD')
  })

  it('the real content loads, and the full DPIA is one shared action in the screening and the DPIA screening', async () => {
    const sets = await loadQuestionSets()
    for (const id of ['screening@1', 'dpia@1']) {
      const set = sets.get(id)!
      assert.ok(set.rules.some((r) => r.actions.some((a) => a.id === 'complete_dpia')), `${id} asks for complete_dpia`)
    }
  })
})

describe('the actions an outcome asks for', () => {
  const set = parseQuestionSet(setYaml(RULES), FILE, library)

  it('one per key, each with every fired rule that asks for it', () => {
    const wanted = actionsAskedFor(set, evaluate(set, { personal_data: true, profiling: true }))
    assert.deepEqual(wanted.map((w) => [w.key, w.level, w.sources.map((s) => s.ruleId)]), [
      ['complete_dpia', 'MUST', ['personal', 'profiles']],
      ['test.personal.2', 'SHOULD', ['personal', 'profiles']],
      ['publish_atrs', 'COULD', ['profiles']],
    ], 'a shared id is one action; the same words without an id in one set share the first rule\'s key')
    assert.deepEqual(wanted[0]!.sources[1], { setId: 'test', ruleId: 'profiles', reason: 'Profiling.', source: 'UK GDPR Art 22' },
      'a source has the set, the rule, its reason and its legal source')
  })

  it('keys do not depend on which rules fire', () => {
    const wanted = actionsAskedFor(set, evaluate(set, { personal_data: false, profiling: true }))
    assert.deepEqual(wanted.map((w) => w.key).sort(), ['complete_dpia', 'publish_atrs', 'test.personal.2'], 'the same keys as when both fire')
    assert.ok(wanted.some((w) => w.key === 'test.personal.2' && w.sources.length === 1), 'the shared words keep the first rule\'s key')
  })

  it('nothing fired, nothing asked for', () => {
    assert.deepEqual(actionsAskedFor(set, evaluate(set, { personal_data: false, profiling: false })), [], 'no actions')
  })

  it('done without an owner is refused only where an owner is required', () => {
    assert.equal(needsOwner({ status: 'done', owner: null, dueDate: null }, true), true, 'done, no owner, required')
    assert.equal(needsOwner({ status: 'done', owner: 'DPO', dueDate: null }, true), false, 'an owner is named')
    assert.equal(needsOwner({ status: 'done', owner: null, dueDate: null }, false), false, 'not required')
    assert.equal(needsOwner({ status: 'open', owner: null, dueDate: null }, true), false, 'still open')
    assert.equal(needsOwner({ status: 'not_applicable', owner: null, dueDate: null }, true), false, 'not applicable needs no owner')
  })
})
