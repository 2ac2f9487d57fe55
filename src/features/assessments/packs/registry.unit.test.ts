// The question-set registry: which sets each organisation sees (built in, plus live packs
// published to all or to it), the latest version it sees, and every version ever live by get().
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { loadCatalogue } from '../catalogue.ts'
import { parseQuestionSet } from '../questionSet/load.ts'
import type { QuestionSet } from '../questionSet/schema.ts'
import { LOCAL_V1, LOCAL_V2 } from './fixtures.ts'
import { createSetRegistry, setRegistryOf, type SetRegistry } from './registry.ts'

const A = '00000000-0000-4000-8000-00000000000a'
const B = '00000000-0000-4000-8000-00000000000b'
let registry: SetRegistry
let v1: QuestionSet
let v2: QuestionSet
let equality2: QuestionSet

before(async () => {
  const catalogue = await loadCatalogue()
  registry = createSetRegistry(catalogue)
  v1 = parseQuestionSet(LOCAL_V1, 'v1.yaml')
  v2 = parseQuestionSet(LOCAL_V2, 'v2.yaml')
  equality2 = { ...catalogue.latest('equality'), version: 2, title: 'Equality screening, local edition' }
})

const ids = (orgId: string) => registry.forOrganisation(orgId).all().map((s) => `${s.id}@${s.version}`)

describe('the registry', () => {
  test('before any pack: every organisation sees the built-in sets, and nothing else', () => {
    registry.replacePacks([], 0)
    assert.deepEqual(ids(A), registry.builtIn.all().map((s) => `${s.id}@${s.version}`))
    assert.throws(() => registry.forOrganisation(A).latest('local_checks'))
    assert.equal(setRegistryOf(registry), registry, 'a registry is not wrapped twice')
  })

  test('a pack published to one organisation is seen by it alone; a built-in set superseded for it alone', () => {
    registry.replacePacks([{ set: v1, offered: true, audience: [A] }, { set: equality2, offered: true, audience: [A] }], 1)
    assert.ok(ids(A).includes('local_checks@1'))
    assert.ok(!ids(B).some((id) => id.startsWith('local_checks')))
    assert.throws(() => registry.forOrganisation(B).latest('local_checks'))
    assert.equal(registry.forOrganisation(A).latest('equality').title, 'Equality screening, local edition')
    assert.equal(registry.forOrganisation(B).latest('equality').version, 1)
    assert.ok(!registry.all().some((s) => s.id === 'local_checks'), 'without an organisation: built-in only')
  })

  test('a newer version for all supersedes; a withdrawn one is no longer offered but still known by get()', () => {
    registry.replacePacks([{ set: v1, offered: true, audience: [A] }, { set: v2, offered: true, audience: 'all' }], 2)
    assert.equal(registry.forOrganisation(A).latest('local_checks').version, 2)
    assert.equal(registry.forOrganisation(B).latest('local_checks').version, 2)
    registry.replacePacks([{ set: v1, offered: true, audience: [A] }, { set: v2, offered: false, audience: 'all' }], 3)
    assert.equal(registry.forOrganisation(A).latest('local_checks').version, 1)
    assert.throws(() => registry.forOrganisation(B).latest('local_checks'))
    assert.equal(registry.get('local_checks', 2)?.title, v2.title, 'an assessment made with it can still be evaluated')
    assert.equal(registry.generation, 3)
  })
})
