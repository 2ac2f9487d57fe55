// The acknowledgement rule as a table: which earlier acknowledgements still count for the version
// in force. A minor version (a typo) keeps them; a major version asks everyone again.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { acknowledgementHolds, needsAcknowledgement, nextVersionNumbers, numbersOf } from './model.ts'

describe('acknowledgement rule', () => {
  const cases: [acknowledged: string, inForce: string, holds: boolean, why: string][] = [
    ['1.0', '1.0', true, 'the same version'],
    ['1.0', '1.1', true, 'a minor version keeps the acknowledgement'],
    ['1.0', '1.4', true, 'several minor versions keep it'],
    ['1.2', '1.3', true, 'an acknowledgement of a minor version counts for the next minor'],
    ['1.0', '2.0', false, 'a major version asks everyone again'],
    ['1.3', '2.0', false, 'whatever minor was acknowledged, the major asks again'],
    ['1.9', '2.1', false, 'a minor after a major does not bring back the old major'],
    ['2.0', '2.1', true, 'acknowledged after the major, then a minor'],
    ['2.0', '1.0', false, 'another major never counts'],
    ['1.2', '1.1', false, 'a later version never counts for an earlier one'],
  ]
  for (const [acknowledged, inForce, holds, why] of cases) {
    it(`${acknowledged} acknowledged, ${inForce} in force → ${holds ? 'still counts' : 'asked again'} (${why})`, () => {
      assert.equal(acknowledgementHolds(numbersOf(acknowledged)!, numbersOf(inForce)!), holds, why)
    })
  }

  it('someone who acknowledged nothing, or only older majors, must acknowledge', () => {
    assert.equal(needsAcknowledgement({ major: 1, minor: 0 }, []), true, 'nothing acknowledged')
    assert.equal(needsAcknowledgement({ major: 3, minor: 0 }, [{ major: 1, minor: 0 }, { major: 2, minor: 1 }]), true, 'older majors only')
    assert.equal(needsAcknowledgement({ major: 3, minor: 2 }, [{ major: 2, minor: 1 }, { major: 3, minor: 0 }]), false, 'one of the major in force')
  })

  it('follows the numbers an approval gives: minor adds a tenth, major a whole number', () => {
    const v1 = nextVersionNumbers(null, 'major')
    const v11 = nextVersionNumbers(v1, 'minor')
    const v2 = nextVersionNumbers(v11, 'major')
    assert.equal(acknowledgementHolds(v1, v11), true, '1.0 counts for 1.1')
    assert.equal(acknowledgementHolds(v11, v2), false, '1.1 does not count for 2.0')
  })

  it('reads version labels, and nothing else', () => {
    assert.deepEqual(numbersOf('2.1'), { major: 2, minor: 1 }, 'a label')
    assert.equal(numbersOf(null), null, 'not yet approved')
    assert.equal(numbersOf('2'), null, 'not a label')
    assert.equal(numbersOf('v2.1'), null, 'not a label')
  })
})
