import { readFileSync } from 'node:fs'
import { ContentError, contentPath, fileLabel, parseYaml, validateContent } from '../../platform/content/index.ts'
import { type MaturityModel, maturityModelFile } from './model.ts'

/** The maturity model is content: `content/maturity/model.yaml`, checked when the service is made (at start-up). */
export const MATURITY_MODEL_FILE = contentPath('content', 'maturity', 'model.yaml')

/**
 * Parses and checks the model's text. Beyond the schema: dimension ids are unique and each
 * dimension lists its levels as 1, 2, 3, 4, 5 in that order. Every problem names the file,
 * the path inside it and the line.
 */
export function parseMaturityModel(text: string, label: string): MaturityModel {
  const content = parseYaml(text, label)
  const model = validateContent(content, maturityModelFile)
  const problems: { segments: PropertyKey[]; message: string }[] = []
  const seen = new Set<string>()
  model.dimensions.forEach((d, i) => {
    if (seen.has(d.id)) problems.push({ segments: ['dimensions', i, 'id'], message: `"${d.id}" is used by another dimension` })
    seen.add(d.id)
    d.levels.forEach((l, j) => {
      if (l.level !== j + 1) problems.push({ segments: ['dimensions', i, 'levels', j, 'level'], message: `must be ${j + 1} (levels go 1 to 5 in order)` })
    })
  })
  if (problems.length) throw content.error(problems)
  return model
}

const cache = new Map<string, MaturityModel>()

/** The model in `file` (once per file per process); a ContentError when it cannot be read or is wrong. */
export function loadMaturityModel(file: string = MATURITY_MODEL_FILE): MaturityModel {
  const cached = cache.get(file)
  if (cached) return cached
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ContentError(fileLabel(file), [{ path: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` }])
  }
  const model = parseMaturityModel(text, fileLabel(file))
  cache.set(file, model)
  return model
}
