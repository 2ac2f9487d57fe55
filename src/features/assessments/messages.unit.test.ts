// The pure parts behind the assessments feature's messages (issue 7) and its save steps (issue 6).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseWith } from '../../platform/http/forms.ts'
import { parseAnswers } from './engine.ts'
import { actionFieldId, actionFromBody, actionInput, actionValuesFromBody, answerFieldId } from './forms.ts'
import { loadQuestionSet, parseQuestionSet } from './questionSet/load.ts'
import { allQuestions } from './questionSet/schema.ts'
import { riskInput } from './risks.ts'
import { answersUsedBy, checkAnswers, derivedTier } from './service.ts'

const screening = await loadQuestionSet('content/assessments/screening/v1.yaml')

const risk = (fields: Record<string, unknown>) => {
  const parsed = parseWith(riskInput, fields)
  return parsed.ok ? {} : parsed.errors.fields
}

describe('risk form messages name the field', () => {
  it('an empty form says which ratings are missing', () => {
    assert.deepEqual(risk({}), {
      category: 'Select a category',
      description: 'Describe what could go wrong',
      likelihood: 'Select the likelihood',
      impact: 'Select the impact',
    })
  })

  it('a rating that is not 1 to 5 says the range and the field', () => {
    const base = { category: 'ethics', description: 'Bias against older residents' }
    for (const bad of ['0', '6', '2.5', 'high', ['1', '2']]) {
      assert.deepEqual(risk({ ...base, likelihood: bad, impact: '3' }), { likelihood: 'Select a rating from 1 to 5 for the likelihood' }, String(bad))
    }
    assert.deepEqual(risk({ ...base, likelihood: '2', impact: '3', residualImpact: '9' }), {
      residualImpact: 'Select a rating from 1 to 5 for the impact after mitigation, or leave it blank',
    })
    const ok = parseWith(riskInput, { ...base, likelihood: ' 4 ', impact: '5' })
    assert.ok(ok.ok)
    assert.deepEqual([ok.data.likelihood, ok.data.impact, ok.data.residualLikelihood, ok.data.owner], [4, 5, null, null])
  })

  it('over-long texts name the field and the limit', () => {
    assert.deepEqual(risk({ category: 'ethics', description: 'x'.repeat(5001), likelihood: '1', impact: '1', owner: 'o'.repeat(201), mitigation: 'm'.repeat(5001) }), {
      description: '‘What could go wrong’ must be 5,000 characters or fewer',
      owner: '‘Owner’ must be 200 characters or fewer',
      mitigation: '‘Mitigation’ must be 5,000 characters or fewer',
    })
  })
})

describe('action form', () => {
  const errors = (body: Record<string, unknown>) => {
    const parsed = parseWith(actionInput, actionFromBody(body))
    return parsed.ok ? {} : parsed.errors.fields
  }
  it('names each field and links to its input', () => {
    assert.deepEqual(errors({ status: 'nearly', owner: 'x'.repeat(201), 'dueDate-day': '31', 'dueDate-month': '4', 'dueDate-year': '2027' }), {
      status: 'Select the action’s status: open, done or not applicable',
      owner: '‘Owner’ must be 200 characters or fewer',
      dueDate: 'Due date must be a real date',
    })
    assert.deepEqual(['status', 'owner', 'dueDate'].map((f) => actionFieldId('a1', f)), ['status-a1', 'owner-a1', 'due-a1-day'])
  })
  it('keeps what was typed, as text', () => {
    assert.deepEqual(actionValuesFromBody({ status: 'done', owner: ' Jo ', 'dueDate-day': '31', 'dueDate-month': '4', 'dueDate-year': '2027', other: 'x' }), {
      status: 'done', owner: ' Jo ', 'dueDate-day': '31', 'dueDate-month': '4', 'dueDate-year': '2027',
    })
    assert.deepEqual(actionValuesFromBody({ owner: ['a', 'b'] }).owner, '')
  })
  it('a blank owner and date are none', () => {
    const parsed = parseWith(actionInput, actionFromBody({ status: 'open', owner: '  ' }))
    assert.ok(parsed.ok)
    assert.deepEqual(parsed.data, { status: 'open', owner: null, dueDate: null })
  })
})

describe('assessment answers name the question', () => {
  it('submitting lists each unanswered required question in its own words', () => {
    const { errors } = checkAnswers(screening, { personal_data: 'no' }, 'submit')
    const text = (id: string) => allQuestions(screening).find((q) => q.id === id)!.text
    assert.equal(errors.decision_role, `Answer ‘${text('decision_role')}’`)
    assert.ok(Object.keys(errors).length >= 3)
    for (const [id, message] of Object.entries(errors)) assert.equal(message, `Answer ‘${text(id)}’`)
    assert.deepEqual(checkAnswers(screening, { personal_data: 'no' }, 'save').errors, {}, 'a draft may be partial')
  })

  it('links each error to its input', () => {
    assert.equal(answerFieldId(screening, 'decision_role'), 'q_decision_role')
    assert.equal(answerFieldId(screening, 'nothing'), 'main-content')
  })

  it('plurals go through the translation function', () => {
    const set = parseQuestionSet(
      `
id: one-risk
version: 1
title: One risk
sections:
  - id: main
    title: Main
    questions:
      - id: risks
        kind: group
        text: Risks
        itemLabel: Risk
        maxItems: 1
        required: false
        frameworks: [{ name: Test, ref: "1" }]
        fields:
          - { id: name, kind: text, text: Name }
`,
      'test/one-risk.yaml',
    )
    assert.deepEqual(parseAnswers(set, { risks: [{ name: 'A' }, { name: 'B' }] }).errors, { risks: 'Enter only one "Risk"' })
  })
})

describe('save steps', () => {
  it('the entry takes the highest counted tier, or none', () => {
    assert.equal(derivedTier([]), null)
    assert.equal(derivedTier([{ tier: 'high', status: 'draft' }, { tier: 'low', status: 'returned' }]), null)
    assert.equal(derivedTier([{ tier: 'low', status: 'submitted' }, { tier: 'high', status: 'signed_off' }, { tier: 'prohibited', status: 'draft' }]), 'high')
    assert.equal(derivedTier([{ tier: null, status: 'submitted' }, { tier: 'medium', status: 'needs_review' }]), 'medium')
  })

  it('a signed-off set needs review only for the changed answers it asked', () => {
    assert.deepEqual(answersUsedBy(screening, ['personal_data', 'not_in_screening']), ['personal_data'])
    assert.deepEqual(answersUsedBy(screening, ['not_in_screening']), [])
    assert.deepEqual(answersUsedBy(undefined, ['a', 'b']), ['a', 'b'], 'a set version no longer loaded: every change counts')
  })
})
