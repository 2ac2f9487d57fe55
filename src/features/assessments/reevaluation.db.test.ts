// The re-evaluation property (issue 8, item 1): for any sequence of saves across sets, with random
// answers to the questions they share, every stored outcome equals a fresh evaluation of the stored
// answers, and the entry's tier is the one the counted outcomes derive. Against PGlite, through the
// service, so the whole save transaction is exercised.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import { createTestApp, type TestApp } from '../../../test/support/app.ts'
import { makeEntry, makeTeam, reload, type Team } from '../../../test/support/factories.ts'
import { evaluate } from './engine.ts'
import { AssessmentRefused } from './model.ts'
import { allQuestions, type Question } from './questionSet/schema.ts'
import { derivedTier } from './service.ts'

let t: TestApp
let team: Team
before(async () => {
  t = await createTestApp({ demo: false })
  team = await makeTeam(t)
})
after(() => t.close())

/** Sets that share these facts, and the shared facts a save may change. */
const SETS = ['screening', 'dpia', 'eu_ai_act', 'equality', 'intake', 'procurement'] as const
const SHARED = [
  'personal_data', 'special_category', 'people_scale', 'monitoring', 'decision_role', 'prohibited_practices', 'annex_iii_areas',
  'public_facing', 'equality_impact', 'vulnerable_people', 'supplier_involved', 'data_matching', 'profiling',
] as const

/** A form value for a question: yes/no, one option, or some options (an exclusive one alone). */
function formValue(q: Question): fc.Arbitrary<string | string[]> {
  const options = q.options ?? []
  switch (q.kind) {
    case 'yes_no':
      return fc.constantFrom('yes', 'no')
    case 'single':
      return fc.constantFrom(...options.map((o) => o.value))
    case 'multiple': {
      const plain = options.filter((o) => !o.exclusive).map((o) => o.value)
      const alone = options.filter((o) => o.exclusive).map((o) => [o.value])
      const some = fc.subarray(plain, { minLength: 1 })
      return alone.length ? fc.oneof(some, fc.constantFrom(...alone)) : some
    }
    default:
      return fc.constant('')
  }
}

describe('re-evaluation', () => {
  test('after any sequence of saves across sets, each stored outcome is a fresh evaluation of its stored answers and of the entry’s answers', async () => {
    const questions = new Map<string, Question>()
    for (const set of t.services.assessments.allSets()) for (const q of allQuestions(set)) if (!questions.has(q.id)) questions.set(q.id, q)
    const answers = fc.record(
      Object.fromEntries(SHARED.map((id) => [id, formValue(questions.get(id)!)])),
      { requiredKeys: [] },
    )
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('save' as const), setId: fc.constantFrom(...SETS), answers, submit: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('signoff' as const), setId: fc.constantFrom(...SETS) }) },
    )

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        const entry = await makeEntry(t, team, { personalData: true, supplier: 'Acme AI Ltd', stage: 'under_assessment' })
        for (const s of steps) {
          if (s.kind === 'save') {
            await t.services.assessments.save(team.contributor.user, entry.id, s.setId, s.answers, s.submit ? 'submit' : 'save')
          } else {
            try {
              await t.services.assessments.signOff(team.assessor.user, entry.id, s.setId)
            } catch (err) {
              if (!(err instanceof AssessmentRefused) && (err as { statusCode?: number }).statusCode !== 404) throw err
            }
          }
        }
        const stored = await t.services.assessments.all(team.viewer.user, entry.id)
        const entryAnswers = await t.services.assessments.answersFor(team.viewer.user, entry.id)
        for (const a of stored) {
          const set = t.services.assessments.allSets().find((x) => x.id === a.setId && x.version === a.setVersion)
          assert.ok(set, `${a.setId} v${a.setVersion} is loaded`)
          assert.deepEqual(a.outcome, evaluate(set, a.answers), `${a.setId} (${a.status}): the stored outcome is stale after ${JSON.stringify(steps)}`)
          // …and the answers it rests on are the entry's answers, wherever they were given.
          const shown = Object.fromEntries(allQuestions(set).map((q) => [q.id, entryAnswers[q.id]]))
          assert.deepEqual(a.outcome, evaluate(set, shown), `${a.setId} (${a.status}): the conclusion disagrees with the entry's answers after ${JSON.stringify(steps)}`)
        }
        const tier = derivedTier(stored.map((a) => ({ tier: a.outcome?.tier ?? null, status: a.status })))
        assert.equal((await reload(t, team, entry.id)).riskTier, tier, `the entry's tier follows its assessments after ${JSON.stringify(steps)}`)
      }),
      { numRuns: 25 },
    )
  })
})
