// Who a "Can I use this AI tool?" request goes to, as a table.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { recipientsFor } from './model.ts'

describe('recipientsFor', () => {
  const cases = [
    { name: 'the AI lead when there is one', org: { aiLeadEmail: 'lead@x.example', contactEmail: 'ai@x.example' }, admins: ['a@x.example'], want: { kind: 'ai_lead', to: ['lead@x.example'] } },
    { name: 'else the administrators, each once', org: { aiLeadEmail: null, contactEmail: 'ai@x.example' }, admins: ['B@x.example', 'a@x.example', 'b@x.example'], want: { kind: 'admins', to: ['a@x.example', 'b@x.example'] } },
    { name: 'else the contact address', org: { aiLeadEmail: null, contactEmail: 'ai@x.example' }, admins: [], want: { kind: 'contact', to: ['ai@x.example'] } },
    { name: 'else nobody', org: { aiLeadEmail: null, contactEmail: null }, admins: [], want: { kind: 'nobody', to: [] } },
  ] as const
  for (const c of cases) it(c.name, () => assert.deepEqual(recipientsFor(c.org, c.admins), c.want, c.name))
})
