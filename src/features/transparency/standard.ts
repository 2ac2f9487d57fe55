/**
 * The ATRS as versioned data: one file per version in content/atrs/ (3.0.yaml, 4.0.yaml), loaded
 * through the platform's content module when this module is first imported, and checked: a mistake
 * stops start-up with the file, the path and the line. Pure functions over a loaded standard: the
 * sections of a record with its repeated model and data specifications spelt out, and the words
 * (labels and hints go through t(); see atrs.messages.en.json).
 *
 * A repeated specification keeps each item's fields under numbered keys, `model_name__1`,
 * `model_name__2`, so a record's fields stay one flat map of text (stored, searched and compared
 * field by field like any other).
 */
import path from 'node:path'
import { z } from 'zod'
import { contentPath, listContentFiles, loadYaml, type LocatedProblem, validateContent, type YamlContent } from '../../platform/content/index.ts'
import { t, translate } from '../../platform/i18n/i18n.ts'

export const FIELD_TYPES = ['text', 'long', 'select', 'radios', 'url', 'email', 'system'] as const
export type FieldType = (typeof FIELD_TYPES)[number]
export type Tier = 'meta' | 1 | 2

const KEY = z.string().regex(/^[a-z][a-z0-9_]*[a-z0-9]$/, 'a key is lower-case letters, digits and single underscores')
  .refine((k) => !k.includes('__'), 'a key has no double underscore (that marks a repeated item)')

const fieldSchema = z.object({
  ref: z.string().regex(/^\d+(\.\d+)*$/, 'a reference is numbers separated by dots, like 2.4.1.1'),
  key: KEY,
  type: z.enum(FIELD_TYPES).default('text'),
  required: z.boolean().default(false),
  /** Required only while another field has one of these values, e.g. supplier details when involvement is "Yes". */
  requiredWhen: z.record(KEY, z.string()).optional(),
  options: z.array(z.string().min(1)).min(2).optional(),
  /** Filled from the publishing organisation's settings, never typed. */
  from: z.literal('organisation').optional(),
  /** The same value as the field with this reference (the template repeats it); not asked twice. */
  sameAs: z.string().optional(),
  /** Another message key for the label and hint (atrs.field.<words>): a renamed field keeps its key. */
  words: KEY.optional(),
  max: z.number().int().positive().max(20000).optional(),
}).strict().superRefine((f, ctx) => {
  const chooses = f.type === 'select' || f.type === 'radios'
  if (chooses && !f.options) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${f.type} field needs options` })
  if (!chooses && f.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'only a select or radios field has options' })
})

const sectionSchema = z.object({
  id: KEY,
  tier: z.union([z.literal('meta'), z.literal(1), z.literal(2)]),
  words: KEY.optional(),
  repeat: z.object({ group: KEY, min: z.number().int().min(0).max(1), max: z.number().int().min(1).max(20) }).strict().optional(),
  fields: z.array(fieldSchema).min(1),
}).strict()

const fileSchema = z.object({
  version: z.string().regex(/^\d+\.\d+$/),
  published: z.string().regex(/^\d{4}-\d{2}$/),
  sections: z.array(sectionSchema).min(1),
}).strict()

export interface StandardField {
  ref: string
  key: string
  type: FieldType
  required: boolean
  requiredWhen?: Record<string, string>
  options?: string[]
  from?: 'organisation'
  sameAs?: string
  max?: number
  /** Message key base: atrs.field.<words>, atrs.field.<words>.hint */
  words: string
  section: string
  tier: Tier
  /** The repeated specification this field belongs to, if any. */
  group?: string
}

export interface StandardSection {
  id: string
  tier: Tier
  words: string
  repeat?: { group: string; min: number; max: number }
  fields: StandardField[]
}

export interface AtrsStandard {
  version: string
  published: string
  sections: StandardSection[]
  /** Every field a person or the organisation fills (not system, not sameAs), in template order. */
  fields: StandardField[]
  byKey: ReadonlyMap<string, StandardField>
}

function build(file: z.output<typeof fileSchema>, content: Pick<YamlContent, 'error'>): AtrsStandard {
  const problems: LocatedProblem[] = []
  const at = (path: string, message: string) => problems.push({ segments: path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message })
  const sections: StandardSection[] = file.sections.map((s) => ({
    id: s.id, tier: s.tier, words: s.words ?? s.id, repeat: s.repeat,
    fields: s.fields.map((f) => ({
      ref: f.ref, key: f.key, type: f.type, required: f.required, requiredWhen: f.requiredWhen, options: f.options,
      from: f.from, sameAs: f.sameAs, max: f.max, words: f.words ?? f.key, section: s.id, tier: s.tier, group: s.repeat?.group,
    })),
  }))
  const fields: StandardField[] = []
  const byKey = new Map<string, StandardField>()
  const locations = new Map<string, string>()
  const refs = new Set(sections.flatMap((s) => s.fields.map((f) => f.ref)))
  sections.forEach((s, si) => s.fields.forEach((f, fi) => {
    const here = `sections.${si}.fields.${fi}`
    if (f.sameAs !== undefined) {
      if (!refs.has(f.sameAs)) at(`${here}.sameAs`, `no field has the reference ${f.sameAs}`)
      return
    }
    if (locations.has(f.key)) at(`${here}.key`, `the key "${f.key}" is used twice`)
    for (const name of [`atrs.field.${f.words}`, `atrs.field.${f.words}.hint`]) {
      if (translate('en', name) === name) at(`${here}.${f.words === f.key ? 'key' : 'words'}`, `no message "${name}" in atrs.messages.en.json`)
    }
    locations.set(f.key, here)
    if (f.type === 'system') return
    byKey.set(f.key, f)
    fields.push(f)
  }))
  sections.forEach((s, si) => {
    if (translate('en', `atrs.section.${s.words}`) === `atrs.section.${s.words}`) at(`sections.${si}.${s.words === s.id ? 'id' : 'words'}`, `no message "atrs.section.${s.words}"`)
    if (s.repeat && s.repeat.min > s.repeat.max) at(`sections.${si}.repeat`, 'min is more than max')
  })
  for (const f of fields) {
    for (const [other, value] of Object.entries(f.requiredWhen ?? {})) {
      const target = byKey.get(other)
      const here = `${locations.get(f.key)}.requiredWhen.${other}`
      if (!target) at(here, `requiredWhen names "${other}", which is not a field`)
      else if (target.options && !target.options.includes(value)) at(here, `"${value}" is not an option of ${other}`)
    }
  }
  if (problems.length) throw content.error(problems)
  return { version: file.version, published: file.published, sections, fields, byKey }
}

/** Loads every content/atrs/<version>.yaml; the file name must be its version. */
export async function loadStandards(dir = 'content/atrs'): Promise<Map<string, AtrsStandard>> {
  const out = new Map<string, AtrsStandard>()
  for (const name of await listContentFiles(dir, '.yaml')) {
    const content = await loadYaml(path.isAbsolute(dir) ? path.join(dir, name) : contentPath(dir, name))
    const file = validateContent(content, fileSchema)
    if (`${file.version}.yaml` !== name) throw content.error([{ segments: ['version'], message: `the file for version ${file.version} must be named ${file.version}.yaml` }])
    out.set(file.version, build(file, content))
  }
  return out
}

const STANDARDS = await loadStandards()

/** The versions we know, oldest first. */
export const STANDARD_VERSIONS: readonly string[] = Object.freeze([...STANDARDS.keys()].sort((a, b) => Number(a) - Number(b)))
/** The version new records follow: the newest. */
export const CURRENT_STANDARD = STANDARD_VERSIONS[STANDARD_VERSIONS.length - 1]!
/** The version whose keys and template order the open-data downloads use. */
export const EXPORT_STANDARD = '3.0'

export function standardFor(version: string): AtrsStandard {
  const s = STANDARDS.get(version)
  if (!s) throw new RangeError(`unknown ATRS version ${version}`)
  return s
}

export function isStandardVersion(version: string): boolean {
  return STANDARDS.has(version)
}

// ---------------------------------------------------------------------------------------------
// Repeated specifications

/** `model_name__2` → { base: 'model_name', item: 2 }; a plain key → { base: key }. */
export function splitKey(key: string): { base: string; item?: number } {
  const m = /^(.+)__([1-9]\d?)$/.exec(key)
  return m ? { base: m[1]!, item: Number(m[2]) } : { base: key }
}

export const itemKey = (base: string, item: number): string => `${base}__${item}`

/** How many items of a repeated section the fields hold (the highest number used). */
export function itemCount(section: StandardSection, fields: Readonly<Record<string, string>>): number {
  const bases = new Set(section.fields.map((f) => f.key))
  let n = 0
  for (const key of Object.keys(fields)) {
    const { base, item } = splitKey(key)
    if (item !== undefined && bases.has(base) && item > n) n = item
  }
  return n
}

/** A field as it appears in one record: its concrete key, and its item number in a repeated section. */
export interface RecordField extends StandardField {
  name: string
  item?: number
  label: string
  hint: string
}

export interface RecordSection {
  id: string
  tier: Tier
  title: string
  /** For a repeated section: this item's number, and the section it repeats. */
  item?: number
  repeat?: StandardSection['repeat']
  fields: RecordField[]
}

const fieldWords = (f: StandardField) => ({ label: t(`atrs.field.${f.words}`), hint: t(`atrs.field.${f.words}.hint`) })

/**
 * The record's sections in template order, a repeated section once per item (at least its
 * minimum). System fields are left out, and fields that repeat another (sameAs) unless `withSameAs`.
 */
export function recordSections(std: AtrsStandard, fields: Readonly<Record<string, string>>, opts: { withSameAs?: boolean } = {}): RecordSection[] {
  const out: RecordSection[] = []
  for (const s of std.sections) {
    const visible = s.fields.filter((f) => f.type !== 'system' && (opts.withSameAs || f.sameAs === undefined))
    if (!visible.length) continue
    const byRef = (ref: string) => std.fields.find((x) => x.ref === ref)
    const concrete = (f: StandardField, item?: number): RecordField => {
      const target = f.sameAs !== undefined ? byRef(f.sameAs) : undefined
      const base = target ?? f
      return { ...f, ...fieldWords(f), key: base.key, name: item === undefined ? base.key : itemKey(base.key, item), item }
    }
    if (!s.repeat) {
      out.push({ id: s.id, tier: s.tier, title: t(`atrs.section.${s.words}`), fields: visible.map((f) => concrete(f)) })
      continue
    }
    const n = Math.max(itemCount(s, fields), s.repeat.min)
    for (let i = 1; i <= n; i++) {
      out.push({
        id: `${s.id}-${i}`, tier: s.tier, title: t(`atrs.section.${s.words}.item`, { n: i }), item: i, repeat: s.repeat,
        fields: visible.map((f) => concrete(f, i)),
      })
    }
  }
  return out
}

/** The standard's field for a concrete key (`model_name__2` finds model_name), if any. */
export function standardField(std: AtrsStandard, key: string): StandardField | undefined {
  const { base, item } = splitKey(key)
  const f = std.byKey.get(base)
  if (!f) return undefined
  if ((item !== undefined) !== (f.group !== undefined)) return undefined
  return f
}

/** The repeated sections of a standard. */
export const repeatedSections = (std: AtrsStandard): StandardSection[] => std.sections.filter((s) => s.repeat)

/**
 * Fields with one more (empty) item of a repeated section, or without item `n` (the items after it
 * move up one, so the numbers stay 1..count).
 */
export function addItem(section: StandardSection, fields: Readonly<Record<string, string>>): Record<string, string> {
  const next = { ...fields }
  const n = Math.max(itemCount(section, fields), section.repeat?.min ?? 0) + 1
  if (section.repeat && n > section.repeat.max) return next
  for (const f of section.fields) if (f.type !== 'system' && !f.sameAs) next[itemKey(f.key, n)] = ''
  return next
}

export function removeItem(section: StandardSection, fields: Readonly<Record<string, string>>, n: number): Record<string, string> {
  const count = itemCount(section, fields)
  const bases = section.fields.map((f) => f.key)
  const next: Record<string, string> = {}
  for (const [key, value] of Object.entries(fields)) {
    const { base, item } = splitKey(key)
    if (item === undefined || !bases.includes(base)) next[key] = value
  }
  let to = 1
  for (let from = 1; from <= count; from++) {
    if (from === n) continue
    for (const base of bases) {
      const v = fields[itemKey(base, from)]
      if (v !== undefined) next[itemKey(base, to)] = v
    }
    to++
  }
  return next
}
