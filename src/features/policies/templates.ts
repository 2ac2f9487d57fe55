import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { ContentError, type ContentIssue, contentPath, fileLabel, parseFrontMatter } from '../../platform/content/index.ts'
import { isPlaceholder, PLACEHOLDER_NAMES, PLACEHOLDER_PATTERN } from './render.ts'

/**
 * Policy templates are content: `content/policies/<template>/v<version>.md`, Markdown with front
 * matter. Every file is checked when the app starts (the service factory loads them); a mistake
 * stops start-up with the file, the path inside it and the line.
 */

export const POLICY_KINDS = ['acceptable_use', 'dos_and_donts', 'charter', 'terms_of_reference', 'other'] as const
export type PolicyKind = (typeof POLICY_KINDS)[number]

const TEMPLATE_ID = /^[a-z][a-z0-9_]{1,62}$/

export const templateFrontMatter = z.strictObject({
  id: z.string().regex(TEMPLATE_ID, 'must be lower-case letters, digits and underscores, starting with a letter'),
  version: z.number().int().positive(),
  title: z.string().trim().min(1).max(200),
  kind: z.enum(POLICY_KINDS),
  summary: z.string().trim().min(1).max(1000),
  placeholders: z.array(z.string()).default([]),
})

export interface PolicyTemplate {
  id: string
  version: number
  title: string
  kind: PolicyKind
  summary: string
  placeholders: string[]
  /** The Markdown, placeholders unfilled. */
  body: string
  file: string
}

export interface TemplateCatalogue {
  /** The newest version of every template, in a stable order (by kind, then id). */
  all(): PolicyTemplate[]
  latest(id: string): PolicyTemplate | undefined
  get(id: string, version: number): PolicyTemplate | undefined
}

export const TEMPLATES_DIR = contentPath('content', 'policies')

/** Checks one template file's text; `relative` is its path under the templates folder (`<id>/v<n>.md`). */
export function parseTemplate(text: string, label: string, relative: string): PolicyTemplate {
  const parsed = parseFrontMatter(templateFrontMatter, text, label)
  const { data, body, bodyLine, frontMatter } = parsed
  const issues: ContentIssue[] = []
  const where = /^([^/]+)\/v(\d+)\.md$/.exec(relative)
  if (!where) {
    issues.push({ path: '', message: 'must be at content/policies/<template>/v<version>.md' })
  } else {
    if (where[1] !== data.id) issues.push({ path: 'id', message: `must be "${where[1]}", the name of its folder`, line: frontMatter.lineAt(['id']) })
    if (Number(where[2]) !== data.version) issues.push({ path: 'version', message: `must be ${where[2]}, as in the file name`, line: frontMatter.lineAt(['version']) })
  }
  data.placeholders.forEach((p, i) => {
    if (!isPlaceholder(p)) issues.push({ path: `placeholders[${i}]`, message: `unknown placeholder "${p}" (known: ${PLACEHOLDER_NAMES.join(', ')})`, line: frontMatter.lineAt(['placeholders', i]) })
  })
  const used = new Set<string>()
  body.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(PLACEHOLDER_PATTERN)) {
      const name = m[1]!
      used.add(name)
      if (!isPlaceholder(name)) issues.push({ path: 'body', message: `unknown placeholder "{{${name}}}"`, line: bodyLine + i })
      else if (!data.placeholders.includes(name)) issues.push({ path: 'body', message: `uses "{{${name}}}", which is not listed in placeholders`, line: bodyLine + i })
    }
  })
  data.placeholders.forEach((p, i) => {
    if (isPlaceholder(p) && !used.has(p)) issues.push({ path: `placeholders[${i}]`, message: `"${p}" is listed but the text never uses it`, line: frontMatter.lineAt(['placeholders', i]) })
  })
  if (body.trim() === '') issues.push({ path: 'body', message: 'the policy has no text', line: bodyLine })
  if (issues.length) throw new ContentError(label, issues)
  return { ...data, body: body.replace(/^\n+/, ''), file: label }
}

const cache = new Map<string, TemplateCatalogue>()

/** Loads and checks every template under `dir` (once per folder per process). */
export function loadTemplates(dir: string = TEMPLATES_DIR): TemplateCatalogue {
  const cached = cache.get(dir)
  if (cached) return cached
  let files: string[]
  try {
    files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.md')).map((f) => f.split(path.sep).join('/')).sort()
  } catch (err) {
    throw new ContentError(fileLabel(dir), [{ path: '', message: `cannot read the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})` }])
  }
  const templates = new Map<string, PolicyTemplate>()
  for (const relative of files) {
    if (relative === 'README.md') continue
    const absolute = path.join(dir, relative)
    const template = parseTemplate(readFileSync(absolute, 'utf8'), fileLabel(absolute), relative)
    templates.set(`${template.id}@${template.version}`, template)
  }
  const order = (k: PolicyKind) => POLICY_KINDS.indexOf(k)
  const catalogue: TemplateCatalogue = {
    latest(id) {
      let best: PolicyTemplate | undefined
      for (const tpl of templates.values()) if (tpl.id === id && (!best || tpl.version > best.version)) best = tpl
      return best
    },
    get: (id, version) => templates.get(`${id}@${version}`),
    all() {
      const ids = [...new Set([...templates.values()].map((x) => x.id))]
      return ids.map((id) => this.latest(id)!).sort((a, b) => order(a.kind) - order(b.kind) || a.id.localeCompare(b.id))
    },
  }
  cache.set(dir, catalogue)
  return catalogue
}
