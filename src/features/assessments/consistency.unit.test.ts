// Answers that contradict each other (issue 8, item 2): exclusive options and cross-question
// consistency checks, declared in the question set, checked by the loader (file, path and line)
// and on every save (field errors naming the question and both options, or both questions).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ContentError } from '../../platform/content/index.ts'
import { inconsistencies } from './engine.ts'
import { loadQuestionSet, parseQuestionSet } from './questionSet/load.ts'
import { allQuestions } from './questionSet/schema.ts'
import { checkAnswers } from './service.ts'

const FILE = 'content/assessments/contracts/v1.yaml'

/** A small set with an exclusive option and one consistency check, as YAML, so lines are known. */
const VALID = `id: contracts
version: 1
title: Contracts
sections:
  - id: main
    title: Main
    questions:
      - id: stage
        kind: single
        text: Where has buying got to?
        options:
          - { value: planning, label: Planning }
          - { value: signed, label: Contract signed }
        frameworks: [{ name: LGA, ref: "1" }]
      - id: route
        kind: single
        text: How was it awarded?
        options:
          - { value: tender, label: Open tender }
          - { value: not_decided, label: Not decided yet }
        frameworks: [{ name: LGA, ref: "2" }]
      - id: evidence
        kind: multiple
        text: What evidence is there?
        required: false
        options:
          - { value: tests, label: Test results }
          - { value: audit, label: An audit }
          - { value: none, label: None yet, exclusive: true }
        frameworks: [{ name: LGA, ref: "3" }]
consistency:
  - id: signed_has_route
    when: { q: stage, eq: signed }
    require: { not: { q: route, eq: not_decided } }
    message: A signed contract was awarded somehow, so the route is not "Not decided yet".
`

const parse = (text: string) => parseQuestionSet(text, FILE)
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1

/** The parse fails with a line `FILE: <path>: <message> (line N)`. */
function assertLoaderError(text: string, path: string, message: RegExp, line: number) {
  assert.throws(() => parse(text), (err: unknown) => {
    assert.ok(err instanceof ContentError, `a ContentError, not ${String(err)}`)
    const found = err.message.split('\n').find((l) => l.startsWith(`${FILE}: ${path}: `))
    assert.ok(found, `no line for ${path} in:\n${err.message}`)
    assert.match(found, message, found)
    assert.match(found, new RegExp(`\\(line ${line}\\)$`), `${found} names line ${line}`)
    return true
  })
}

describe('the loader checks exclusive options and consistency checks', () => {
  it('a valid set loads with its consistency check', () => {
    const set = parse(VALID)
    assert.deepEqual(set.consistency?.map((c) => c.id), ['signed_has_route'])
  })

  it('an exclusive option on a single-choice question is refused, naming file, path and line', () => {
    const text = VALID.replace('- { value: not_decided, label: Not decided yet }', '- { value: not_decided, label: Not decided yet, exclusive: true }')
    assertLoaderError(text, 'sections[0].questions[1].options[1].exclusive', /exclusive is only allowed on options of a multiple question/,
      lineOf(text, 'exclusive: true }'))
  })

  it('a consistency check on a question the set does not ask is refused', () => {
    const text = VALID.replace('when: { q: stage, eq: signed }', 'when: { q: stages, eq: signed }')
    assertLoaderError(text, 'consistency[0].when.q', /unknown question "stages"/, lineOf(text, 'q: stages'))
  })

  it('a consistency check comparing with an option the question does not have is refused', () => {
    const text = VALID.replace('not: { q: route, eq: not_decided }', 'not: { q: route, eq: undecided }')
    assertLoaderError(text, 'consistency[0].require.not.eq', /"undecided" is not an option of "route" \(options: tender, not_decided\)/,
      lineOf(text, 'eq: undecided'))
  })

  it('a consistency check without a message, or with an unknown key, is refused', () => {
    const noMessage = VALID.replace(/ {4}message: .*\n/, '')
    assert.throws(() => parse(noMessage), (err: unknown) => err instanceof ContentError && /consistency\[0\]/.test(err.message) && /message/.test(err.message))
    const extra = VALID.replace('    message:', '    because: typo\n    message:')
    assert.throws(() => parse(extra), (err: unknown) => err instanceof ContentError && /consistency\[0\]/.test(err.message) && /because/.test(err.message))
  })

  it('duplicate ids and a check that can never fail are refused', () => {
    const dup = `${VALID}  - id: signed_has_route
    when: { q: stage, eq: planning }
    require: { q: stage, eq: planning }
    message: Never.
`
    assertLoaderError(dup, 'consistency[1].id', /duplicate consistency check id "signed_has_route"/, lineOf(dup, 'eq: planning }') - 1)
    assertLoaderError(dup, 'consistency[1].require', /can never fail/, lineOf(dup, 'require: { q: stage, eq: planning }'))
  })
})

describe('saving refuses contradicting answers', () => {
  const set = parse(VALID)

  it('an exclusive option with another: a field error naming the question and both options', () => {
    const { errors } = checkAnswers(set, { stage: 'planning', route: 'tender', evidence: ['tests', 'none'] }, 'save')
    assert.deepEqual(errors, { evidence: 'For ‘What evidence is there?’, select either “None yet” or “Test results”, not both' })
    assert.deepEqual(checkAnswers(set, { evidence: ['none'] }, 'save').errors, {}, 'the exclusive option alone is fine')
    assert.deepEqual(checkAnswers(set, { evidence: ['tests', 'audit'] }, 'save').errors, {}, 'other options together are fine')
  })

  it('a broken consistency check: the message on both questions, on a draft as on a submission', () => {
    const message = 'A signed contract was awarded somehow, so the route is not "Not decided yet".'
    for (const intent of ['save', 'submit'] as const) {
      const { errors } = checkAnswers(set, { stage: 'signed', route: 'not_decided' }, intent)
      assert.equal(errors.stage, message, `${intent}: on the first question`)
      assert.equal(errors.route, message, `${intent}: on the second question`)
    }
    assert.deepEqual(checkAnswers(set, { stage: 'signed', route: 'tender' }, 'save').errors, {}, 'consistent answers pass')
    assert.deepEqual(checkAnswers(set, { stage: 'planning', route: 'not_decided' }, 'save').errors, {}, 'the check only applies when its condition holds')
  })

  it('an unanswered question is left to the required check, not called a contradiction', () => {
    assert.deepEqual(inconsistencies(set, { stage: 'signed' }), {})
    const { errors } = checkAnswers(set, { stage: 'signed' }, 'submit')
    assert.match(errors.route ?? '', /How was it awarded/, 'the required check names the question')
    assert.doesNotMatch(errors.route ?? '', /signed contract/)
  })
})

describe('the real content declares its contradictions', () => {
  it('every "None" or "Not sure" option of a multiple-choice question is exclusive', async () => {
    for (const id of ['dpia', 'equality', 'eu_ai_act', 'security', 'intake', 'screening', 'procurement']) {
      const set = await loadQuestionSet(`content/assessments/${id}/v1.yaml`)
      for (const q of allQuestions(set)) {
        if (q.kind !== 'multiple') continue
        for (const o of q.options ?? []) {
          if (['none', 'not_sure', 'not_known', 'dont_know', 'nobody_directly'].includes(o.value)) {
            assert.equal(o.exclusive, true, `${id}: ${q.id}.${o.value} is exclusive`)
          }
        }
      }
    }
  })

  it('procurement: a signed contract cannot have an undecided route', async () => {
    const set = await loadQuestionSet('content/assessments/procurement/v1.yaml')
    const errors = inconsistencies(set, { procurement_stage: 'in_contract', procurement_route: 'not_decided' })
    assert.deepEqual(Object.keys(errors).sort(), ['procurement_route', 'procurement_stage'])
    assert.deepEqual(inconsistencies(set, { procurement_stage: 'in_contract', procurement_route: 'open_procedure' }), {})
  })

  it('equality: tested results are evidence, and differences found mean results could differ', async () => {
    const set = await loadQuestionSet('content/assessments/equality/v1.yaml')
    const tested = inconsistencies(set, { bias_testing: 'tested_no_concerns', evidence_sources: ['none'] })
    assert.deepEqual(Object.keys(tested).sort(), ['bias_testing', 'evidence_sources'])
    const found = inconsistencies(set, { bias_testing: 'tested_differences_found', evidence_sources: ['testing_results'], equality_impact: 'no' })
    assert.deepEqual(Object.keys(found).sort(), ['bias_testing', 'equality_impact'])
    assert.deepEqual(inconsistencies(set, { bias_testing: 'tested_differences_found', evidence_sources: ['testing_results'], equality_impact: 'yes' }), {})
  })
})
