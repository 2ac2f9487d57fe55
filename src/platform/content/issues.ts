import { z } from 'zod'

/**
 * zod issues in the words of a content author ("must be a list, not a mapping", "unknown field",
 * "is required") rather than a developer's.
 */

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a decimal number'
  return `a ${typeof value}`
}

const EXPECTED_LABEL: Record<string, string> = { array: 'a list', object: 'a mapping', int: 'a whole number' }

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let node = root
  for (const s of segments) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, s)) return undefined
    node = (node as Record<PropertyKey, unknown>)[s]
  }
  return node
}

/** One zod issue as a path and a message for an author. `root` is the value that was parsed. */
export function authorMessage(issue: z.core.$ZodIssue, root: unknown): { path: PropertyKey[]; message: string } {
  const p = [...issue.path]
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? { path: [...p, issue.keys[0] as string], message: 'unknown field' }
        : { path: p, message: `unknown fields ${issue.keys.map((k) => `"${k}"`).join(', ')}` }
    case 'invalid_type': {
      const value = valueAt(root, p)
      if (value === undefined) return { path: p, message: 'is required' }
      const expected = EXPECTED_LABEL[issue.expected] ?? `a ${issue.expected}`
      return { path: p, message: `must be ${expected}, not ${describeType(value)}` }
    }
    case 'invalid_value':
      return { path: p, message: `must be one of: ${issue.values.map((v) => String(v)).join(', ')}` }
    default:
      return { path: p, message: issue.message }
  }
}

/**
 * Parses `input` with `schema` inside a zod transform (a schema that picks its branch itself,
 * e.g. by which key an object has), passing any issues on already in an author's words: the outer
 * formatter only sees the custom issues a transform adds.
 */
export function parseNested<S extends z.ZodType>(schema: S, input: unknown, ctx: z.RefinementCtx): z.output<S> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  for (const issue of result.error.issues) {
    const { path, message } = authorMessage(issue, input)
    ctx.issues.push({ code: 'custom', input, path, message })
  }
  return z.NEVER
}
