import { z } from 'zod'

/** A dimension's id: also its form field's name, so it starts with a letter. */
export const DIMENSION_ID = /^[a-z][a-z0-9_]{0,62}$/
export const LEVELS = [1, 2, 3, 4, 5] as const
export const EVIDENCE_MAX = 5000

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)

/** content/maturity/model.yaml: the dimensions and what an organisation at each level does. */
export const maturityModelFile = z.strictObject({
  version: z.number().int().min(1),
  dimensions: z.array(z.strictObject({
    id: z.string().regex(DIMENSION_ID, 'must be lower-case letters, digits and _ (starting with a letter)'),
    title: text(100),
    summary: text(300),
    levels: z.array(z.strictObject({
      level: z.number().int().min(1).max(5),
      name: text(60),
      description: text(600),
    })).length(5, 'must list the five levels, 1 to 5'),
  })).min(1, 'must list at least one dimension'),
})
export type MaturityModel = z.output<typeof maturityModelFile>
export type Dimension = MaturityModel['dimensions'][number]

/** One dimension's score and evidence as submitted. */
export interface DimensionScore {
  dimension: string
  score: number
  evidence: string
}

/** A submitted, dated assessment with its scores in the model's order. */
export interface MaturityAssessment {
  id: string
  modelVersion: number
  submittedAt: Date
  submittedBy: string | null
  scores: DimensionScore[]
}

/** The form field that holds a dimension's evidence. */
export const evidenceField = (dimensionId: string) => `${dimensionId}-evidence`

/** A score as a form sends it: one string of digits, 1 to 5 (not "abc", "2.5", an array or nothing). */
export const scoreInput = z.string({ error: 'maturity.errors.score' }).trim()
  .regex(/^\d{1,3}$/, 'maturity.errors.score')
  .transform(Number)
  .pipe(z.number().int().min(1, 'maturity.errors.score').max(5, 'maturity.errors.score'))

/** Evidence: optional text, at most EVIDENCE_MAX characters. */
export const evidenceInput = z.string({ error: 'maturity.errors.evidence' }).trim()
  .max(EVIDENCE_MAX, 'maturity.errors.evidenceTooLong')
  .optional().transform((v) => v ?? '')

/** The self-assessment form for a model: each dimension's score (required) and evidence (optional). */
export function assessmentInput(model: MaturityModel) {
  const shape: Record<string, z.ZodType> = {}
  for (const d of model.dimensions) {
    shape[d.id] = scoreInput
    shape[evidenceField(d.id)] = evidenceInput
  }
  return z.object(shape).transform((v): DimensionScore[] => model.dimensions.map((d) => ({
    dimension: d.id, score: v[d.id] as number, evidence: v[evidenceField(d.id)] as string,
  })))
}

/** Why a field was refused: a message key and the dimension it belongs to (the message names it). */
export interface FieldProblem {
  field: string
  key: string
  dimension: string
}

/**
 * Checks a submitted form against the model. Every problem names its field and the dimension's
 * title, in the model's order (the error summary's order).
 */
export function parseAssessment(model: MaturityModel, body: Record<string, unknown>):
  { ok: true; scores: DimensionScore[] } | { ok: false; problems: FieldProblem[] } {
  const given = (v: unknown) => (v === '' ? undefined : v)
  const input: Record<string, unknown> = {}
  for (const d of model.dimensions) {
    input[d.id] = given(body[d.id])
    input[evidenceField(d.id)] = given(body[evidenceField(d.id)])
  }
  const result = assessmentInput(model).safeParse(input)
  if (result.success) return { ok: true, scores: result.data }
  const byField = new Map<string, string>()
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '')
    if (!byField.has(field)) byField.set(field, issue.message)
  }
  const problems: FieldProblem[] = []
  for (const d of model.dimensions) {
    for (const field of [d.id, evidenceField(d.id)]) {
      const key = byField.get(field)
      if (key) problems.push({ field, key, dimension: d.title })
    }
  }
  return { ok: false, problems }
}
