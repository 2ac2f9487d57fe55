import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import {
  ContentError, type ContentIssue, contentPath, fileLabel, parseFrontMatter, parseYaml, validateContent,
} from '../../platform/content/index.ts'

/**
 * The hub's content: the guidance library (content/guidance/resources.yaml), the impact cases
 * (content/cases/<id>.md, front-matter Markdown) and the glossary (content/glossary/glossary.yaml).
 * Everything is checked when the app starts (the service factory loads it): a mistake stops
 * start-up naming the file, the path inside it and the line, and so does a resource that says it
 * informs a question set or question that does not exist.
 */

export const THEMES = ['policy', 'governance', 'data_protection', 'equality', 'security', 'procurement', 'transparency', 'skills'] as const
export type Theme = (typeof THEMES)[number]

export const MATURITY_AREAS = ['culture_and_structure', 'leadership_and_strategy', 'governance_and_compliance'] as const
export type MaturityArea = (typeof MATURITY_AREAS)[number]

/** Where a case's facts come from: a public source (named), or a composite of common practice. */
export const CASE_BASES = ['published', 'illustrative'] as const
export type CaseBasis = (typeof CASE_BASES)[number]

const ID = /^[a-z][a-z0-9-]{1,62}$/
const id = z.string().regex(ID, 'must be lower-case letters, digits and hyphens, starting with a letter (2 to 63 characters)')
const snake = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a question set or question id (snake_case)')
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
/** Links go to https pages only: no http, no javascript: or data:, no credentials in the address. */
export const httpsUrl = z.string().trim().max(500, 'must be at most 500 characters').refine(isHttpsUrl, 'must be an https:// address')
/** A year (YAML reads `2010` as a number: it is taken as the year), YYYY-MM or YYYY-MM-DD. */
const isoDate = z.union([z.string(), z.number().int().min(1900).max(2199).transform(String)], { error: 'must be a year, YYYY-MM or YYYY-MM-DD' })
  .pipe(z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'must be a year, YYYY-MM or YYYY-MM-DD'))

export function isHttpsUrl(s: string): boolean {
  if (/[\s\p{Cc}]/u.test(s)) return false
  try {
    const u = new URL(s)
    return u.protocol === 'https:' && u.hostname.includes('.') && u.username === '' && u.password === ''
  } catch {
    return false
  }
}

const informsSchema = z.strictObject({
  set: snake,
  /** The questions of the set it informs; none listed: every question of the set (the set's own source). */
  questions: z.array(snake).min(1, 'list at least one question, or leave out "questions" for the whole set').optional(),
})

const resourceSchema = z.strictObject({
  id,
  title: text(200),
  publisher: text(200),
  /** When it was published (or last updated): a year, a month or a day; left out when the source does not say. */
  date: isoDate.optional(),
  url: httpsUrl,
  themes: z.array(z.enum(THEMES)).min(1, 'give at least one theme'),
  /** Our own words: what it is and when a council would use it. */
  summary: text(1500),
  informs: z.array(informsSchema).default([]),
})
export type Resource = z.output<typeof resourceSchema>

const resourcesFile = z.strictObject({ resources: z.array(resourceSchema).min(1) })

const sourceSchema = z.strictObject({ title: text(300), url: httpsUrl })

const termSchema = z.strictObject({
  id,
  term: text(120),
  /** Plain text paragraphs (a blank line between them). */
  definition: text(3000),
  /** A short quotation, with where it comes from. */
  quote: z.strictObject({ text: text(600), source: sourceSchema }).optional(),
  sources: z.array(sourceSchema).default([]),
  /** Guidance items that say more (ids in the library). */
  see: z.array(id).default([]),
})
export type Term = z.output<typeof termSchema>

const glossaryFile = z.strictObject({ terms: z.array(termSchema).min(1) })

const caseFrontMatter = z.strictObject({
  id,
  title: text(200),
  summary: text(600),
  themes: z.array(z.enum(THEMES)).min(1, 'give at least one theme'),
  maturity: z.array(z.enum(MATURITY_AREAS)).min(1, 'give at least one data-maturity area'),
  basis: z.enum(CASE_BASES),
  /** Who it is about, as the case may name them ("A district council in England" unless a public source names them). */
  organisation: text(200),
  /** A published case names its sources; an illustrative one may point to the guidance it follows. */
  sources: z.array(sourceSchema).default([]),
  /** Guidance items the case used (ids in the library). */
  guidance: z.array(id).default([]),
  /** When what the case describes happened or was published, if known. */
  date: isoDate.optional(),
})

export interface ImpactCase extends z.output<typeof caseFrontMatter> {
  /** The Markdown below the front matter. */
  body: string
  file: string
}

export interface HubContent {
  resources: Resource[]
  cases: ImpactCase[]
  terms: Term[]
}

/** What the checks need to know about the question sets: each set's id and its question ids. */
export interface KnownSets {
  questionsOf(setId: string): ReadonlySet<string> | undefined
  ids(): string[]
}

/** Parses and checks the library's text; every problem names the file, the path and the line. */
export function parseResources(textOf: string, label: string, sets: KnownSets): Resource[] {
  const doc = parseYaml(textOf, label)
  const { resources } = validateContent(doc, resourcesFile)
  const issues: ContentIssue[] = []
  const seen = new Map<string, number>()
  resources.forEach((r, i) => {
    if (seen.has(r.id)) issues.push(doc.issueAt(['resources', i, 'id'], `"${r.id}" is already used by resources[${seen.get(r.id)}]`))
    else seen.set(r.id, i)
    const sets_ = new Set<string>()
    r.informs.forEach((inf, j) => {
      const questions = sets.questionsOf(inf.set)
      if (!questions) {
        issues.push(doc.issueAt(['resources', i, 'informs', j, 'set'], `unknown question set "${inf.set}" (known: ${sets.ids().join(', ')})`))
        return
      }
      if (sets_.has(inf.set)) issues.push(doc.issueAt(['resources', i, 'informs', j, 'set'], `"${inf.set}" is listed twice for this resource`))
      sets_.add(inf.set)
      inf.questions?.forEach((q, k) => {
        if (!questions.has(q)) issues.push(doc.issueAt(['resources', i, 'informs', j, 'questions', k], `unknown question "${q}" in the set "${inf.set}"`))
      })
    })
  })
  if (issues.length) throw new ContentError(label, issues)
  return resources
}

/** Parses and checks the glossary; `resourceIds` are the library's ids (for `see`). */
export function parseGlossary(textOf: string, label: string, resourceIds: ReadonlySet<string>): Term[] {
  const doc = parseYaml(textOf, label)
  const { terms } = validateContent(doc, glossaryFile)
  const issues: ContentIssue[] = []
  const seen = new Set<string>()
  terms.forEach((term, i) => {
    if (seen.has(term.id)) issues.push(doc.issueAt(['terms', i, 'id'], `"${term.id}" is already used`))
    seen.add(term.id)
    term.see.forEach((s, k) => {
      if (!resourceIds.has(s)) issues.push(doc.issueAt(['terms', i, 'see', k], `unknown guidance item "${s}"`))
    })
  })
  if (issues.length) throw new ContentError(label, issues)
  return terms
}

/** Parses and checks one case file; `fileName` is its name in content/cases (`<id>.md`). */
export function parseCase(textOf: string, label: string, fileName: string, resourceIds: ReadonlySet<string>): ImpactCase {
  const { data, body, bodyLine, frontMatter } = parseFrontMatter(caseFrontMatter, textOf, label)
  const issues: ContentIssue[] = []
  if (fileName !== `${data.id}.md`) issues.push({ path: 'id', message: `must be "${fileName.replace(/\.md$/, '')}", the file's name`, line: frontMatter.lineAt(['id']) })
  data.guidance.forEach((g, k) => {
    if (!resourceIds.has(g)) issues.push(frontMatter.issueAt(['guidance', k], `unknown guidance item "${g}"`))
  })
  if (data.basis === 'published' && data.sources.length === 0) {
    issues.push({ path: 'sources', message: 'a published case must name at least one public source', line: frontMatter.lineAt(['basis']) })
  }
  if (body.trim() === '') issues.push({ path: 'body', message: 'the case has no text', line: bodyLine })
  if (issues.length) throw new ContentError(label, issues)
  return { ...data, body: body.replace(/^\n+/, ''), file: label }
}

export const GUIDANCE_DIR = contentPath('content', 'guidance')
export const CASES_DIR = contentPath('content', 'cases')
export const GLOSSARY_DIR = contentPath('content', 'glossary')

export interface ContentDirs {
  guidance: string
  cases: string
  glossary: string
}

const read = (file: string): string => {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    throw new ContentError(fileLabel(file), [{ path: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` }])
  }
}

/** Loads and checks all the hub's content (synchronously: the service factory runs at start-up). */
export function loadHubContent(sets: KnownSets, dirs: ContentDirs = { guidance: GUIDANCE_DIR, cases: CASES_DIR, glossary: GLOSSARY_DIR }): HubContent {
  const resourcesPath = path.join(dirs.guidance, 'resources.yaml')
  const resources = parseResources(read(resourcesPath), fileLabel(resourcesPath), sets)
  const ids = new Set(resources.map((r) => r.id))
  const glossaryPath = path.join(dirs.glossary, 'glossary.yaml')
  const terms = parseGlossary(read(glossaryPath), fileLabel(glossaryPath), ids)
  let files: string[]
  try {
    files = readdirSync(dirs.cases).filter((f) => f.endsWith('.md') && f !== 'README.md').sort()
  } catch (err) {
    throw new ContentError(fileLabel(dirs.cases), [{ path: '', message: `cannot read the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})` }])
  }
  const cases = files.map((f) => parseCase(read(path.join(dirs.cases, f)), fileLabel(path.join(dirs.cases, f)), f, ids))
  return { resources, cases, terms }
}
