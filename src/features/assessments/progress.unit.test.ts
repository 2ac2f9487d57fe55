import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Answers } from './engine.ts'
import type { RequiredAction } from './model.ts'
import { actionCounts, actionFilter, answerRows, groupActions, sectionProgress, sectionsDone, sourcesOf, withSection } from './progress.ts'
import { loadQuestionSet } from './questionSet/load.ts'

const set = await loadQuestionSet('content/assessments/screening/v1.yaml')
const section = (id: string) => set.sections.find((s) => s.id === id)!
const statusOf = (answers: Answers, id: string) => sectionProgress(set, answers).find((p) => p.section.id === id)!

describe('section progress', () => {
  it('is not started with no answers, in progress while a required question is open, completed when all are answered', () => {
    assert.equal(statusOf({}, 'equality').status, 'not_started')
    assert.equal(statusOf({ equality_impact: 'yes' }, 'equality').status, 'completed')
    const half = statusOf({ prohibited_practices: ['none'] }, 'eu_ai_act')
    assert.equal(half.status, 'in_progress')
    assert.ok(half.missing.includes('annex_iii_areas'), `the open question is named: ${half.missing.join()}`)
    assert.deepEqual(sectionsDone(sectionProgress(set, { equality_impact: 'yes' })), { done: 1, total: set.sections.length })
  })

  it('an empty answer does not count as started', () => {
    assert.equal(statusOf({ equality_impact: '' }, 'equality').status, 'not_started')
  })
})

describe('saving one section', () => {
  it('keeps the other sections’ answers and takes this section’s from the form, blank when the form left it out', () => {
    const current: Answers = { personal_data: true, equality_impact: 'yes', monitoring: ['none'] }
    const raw = withSection(set, section('personal_data'), current, { personal_data: 'no' })
    assert.equal(raw.equality_impact, 'yes', 'another section’s answer is kept')
    assert.equal(raw.personal_data, 'no', 'the form’s answer wins')
    assert.equal(raw.monitoring, '', 'a question of this section the form left out (no box ticked) is blank')
    assert.equal(Object.getPrototypeOf(raw), null, 'no prototype for form keys to reach')
  })
})

describe('check your answers', () => {
  it('lists each section’s asked questions with the answer in words, and marks what is missing', () => {
    const rows = answerRows(set, { personal_data: false, equality_impact: 'yes' })
    const equality = rows.find((r) => r.section.id === 'equality')!
    assert.equal(equality.rows[0]!.text, 'Yes')
    const eu = rows.find((r) => r.section.id === 'eu_ai_act')!
    assert.ok(eu.rows.some((r) => r.missing && r.text === ''), 'an unanswered required question is marked')
  })
})

describe('actions', () => {
  const action = (over: Partial<RequiredAction>): RequiredAction => ({
    id: '00000000-0000-4000-8000-000000000001', key: 'k', level: 'MUST', text: 'Do it', status: 'open', owner: null, dueDate: null,
    ownerRequired: false, sources: [{ setId: 'screening', ruleId: 'r', reason: 'why', source: 'src' }], ...over,
  })

  it('are counted and grouped MUST, SHOULD, COULD and by status, leaving out empty groups', () => {
    const list = [action({ level: 'COULD' }), action({ status: 'done' }), action({}), action({ level: 'SHOULD', status: 'not_applicable' })]
    assert.deepEqual(groupActions(list).map((g) => `${g.level} ${g.status} ${g.actions.length}`), ['MUST open 1', 'MUST done 1', 'SHOULD not_applicable 1', 'COULD open 1'])
    const counts = actionCounts(list)
    assert.deepEqual([counts.MUST.open, counts.MUST.done, counts.MUST.total, counts.SHOULD.not_applicable, counts.COULD.total], [1, 1, 2, 1, 1])
  })

  it('name every source, or the action’s own set when it carries no sources', () => {
    assert.deepEqual(sourcesOf(action({})).map((s) => s.setId), ['screening'])
    assert.deepEqual(sourcesOf({ setId: 'dpia', reason: 'r', source: 's' }).map((s) => s.setId), ['dpia'])
  })

  it('take a filter only of known levels and statuses', () => {
    assert.deepEqual(actionFilter({ level: 'MUST', status: 'done' }), { level: 'MUST', status: 'done' })
    assert.deepEqual(actionFilter({ level: 'must', status: ['done'] }), {})
  })
})
